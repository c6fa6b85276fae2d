"""The embassies the data migration seeds: one in Rabat per main nationality, letters in
English to those of anglophone countries."""

from django.conf import settings

from cases.departure.models import Embassy
from tests.factories import embassies_seed


def test_each_main_nationality_has_its_embassy_in_rabat(db: None) -> None:
    Embassy.objects.all().delete()
    embassies_seed()
    seeded = {
        str(embassy.country): embassy.letter_language
        for embassy in Embassy.objects.filter(city="Rabat", kind="embassy")
    }
    assert set(seeded) == set(settings.MAIN_NATIONALITIES)
    assert {country for country, language in seeded.items() if language == "en"} == {
        "NG",
        "GM",
        "PH",
        "SD",
    }
