"""Case numbers and referral references were both counted in `cases.CaseNumberSequence`,
per organisation and year; each is now a named series of `avrr.Sequence`: an IOM office's
counter is its case numbers, an NGO's its referral references."""

from django.db import migrations

CASE_NUMBERS = "case"
REFERRAL_REFERENCES = "referral"


def series_name(organisation):
    return CASE_NUMBERS if organisation.kind == "iom_office" else REFERRAL_REFERENCES


def to_named_series(apps, schema_editor):
    old = apps.get_model("cases", "CaseNumberSequence")
    new = apps.get_model("avrr", "Sequence")
    new.objects.bulk_create(
        new(
            organisation_id=row.office_id,
            name=series_name(row.office),
            year=row.year,
            last_value=row.last_value,
        )
        for row in old.objects.select_related("office")
    )


def to_office_counters(apps, schema_editor):
    old = apps.get_model("cases", "CaseNumberSequence")
    new = apps.get_model("avrr", "Sequence")
    old.objects.bulk_create(
        old(office_id=row.organisation_id, year=row.year, last_value=row.last_value)
        for row in new.objects.all()
    )
    new.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('avrr', '0005_sequence'),
        ('cases', '0006_referrals_to_their_own_app'),
    ]

    operations = [
        migrations.RunPython(to_named_series, to_office_counters),
        migrations.DeleteModel(name='CaseNumberSequence'),
    ]
