"""The embassies in Rabat of the programme's main nationalities (settings'
MAIN_NATIONALITIES by default), to which laissez-passer requests go. Letters go in English
to those of countries whose official language is English (Nigeria, the Gambia, the
Philippines, Sudan); in French to the others (Cameroon, bilingual, reads French). Addresses
and contacts are left to the administrators, who keep them up to date in the admin site."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

FRENCH = ("GN", "CI", "SN", "CM", "ML", "CG", "CD")
ENGLISH = ("NG", "GM", "PH", "SD")


def embassies_seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    embassy = apps.get_model("departure", "Embassy")
    for codes, language in ((FRENCH, "fr"), (ENGLISH, "en")):
        for country in codes:
            embassy.objects.get_or_create(
                country=country,
                kind="embassy",
                city="Rabat",
                defaults={"letter_language": language},
            )


class Migration(migrations.Migration):
    dependencies = [("departure", "0001_initial")]

    operations = [migrations.RunPython(embassies_seed, migrations.RunPython.noop)]
