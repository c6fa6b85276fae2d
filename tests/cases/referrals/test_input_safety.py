"""Referrals refuse invisible direction controls in names, phones and the consent's taker
on every way in, and serve their files as downloads of the type read from their content."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings
from rest_framework.test import APIClient

from avrr.api_keys import api_key_create
from avrr.models import Organisation, User
from cases.referrals.forms import ReferralForm, ReferredPersonForm
from cases.referrals.models import Referral
from cases.referrals.services import referral_submit
from cases.referrals.spreadsheet import COLUMNS, parse_referral_file
from tests.cases.referrals.test_import import xlsx_bytes
from tests.factories import referral_data

BIDI_MESSAGE = (
    "Le texte contient un caractère invisible qui change le sens d'affichage : "
    "retapez-le au clavier plutôt que de le copier-coller."
)


def test_the_service_refuses_direction_controls(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    data = referral_data(office_rabat, contact_phone="+212\u202e600")
    data.people[0].given_name = "Ami\u2066nata"

    with pytest.raises(ValidationError) as refused:
        referral_submit(actor=ngo_referrer, data=data)

    assert refused.value.message_dict == {
        "contact_phone": [f"« Téléphone de contact » : {BIDI_MESSAGE}"],
        "people": [f"Personne 1 — « Prénom » : {BIDI_MESSAGE}"],
    }
    assert Referral.objects.count() == 0


def test_the_forms_refuse_direction_controls(office_rabat: Organisation) -> None:
    referral = ReferralForm(
        {
            "office": str(office_rabat.pk),
            "urgency": "0",
            "reason": "Souhaite rentrer.",
            "contact_phone": "+212 600",
            "consent": "on",
            "consent_given_on": timezone.localdate().isoformat(),
            "consent_taken_by": "Fatou\u200f Diallo",
        }
    )
    person = ReferredPersonForm(
        {
            "relationship": "principal",
            "family_name": "\u202eKonaté",
            "given_name": "أميناتا",
            "sex": "F",
            "age": "30",
            "nationality": "CI",
        }
    )
    assert referral.errors == {"consent_taken_by": [BIDI_MESSAGE]}
    assert person.errors == {"family_name": [BIDI_MESSAGE]}


def test_the_api_refuses_direction_controls(ngo: Organisation, office_rabat: Organisation) -> None:
    _key, raw_key = api_key_create(actor=None, organisation=ngo, name="Outil")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    person = {"family_name": "Konaté\u061c", "given_name": "Aminata", "sex": "F"}
    response = client.post(
        "/api/v1/referrals/",
        {
            "office": "RBA",
            "people": [{**person, "nationality": "CI", "age": 30}],
            "reason": "Rentrer.",
            "contact_phone": "\u202a0600",
            "consent_given_on": "2025-01-10",
            "consent_taken_by": "Fatou Diallo",
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["contact_phone"] == [BIDI_MESSAGE]
    assert body["people"] == {"0": {"family_name": [BIDI_MESSAGE]}}
    assert Referral.objects.count() == 0


def test_the_spreadsheet_refuses_direction_controls_by_row_and_column(
    office_rabat: Organisation,
) -> None:
    person = ["", "Kon\u202eaté", "Aminata", "F", "1996-02-11", "", "CI", "", "", "", ""]
    referral = ["Rentrer.", "0600\u200e", "RBA", "2025-01-10", "Fatou Diallo"]
    result = parse_referral_file(
        xlsx_bytes([[column.name for column in COLUMNS], [*person, *referral]]),
        filename="f.xlsx",
    )
    assert {(error.row, error.column): error.message for error in result.errors} == {
        (2, "family_name"): BIDI_MESSAGE,
        (2, "contact_phone"): BIDI_MESSAGE,
    }
    assert result.referrals == []


def test_a_referral_file_is_downloaded_as_its_detected_type(
    client: Client,
    ngo_referrer: User,
    caseworker: User,
    office_rabat: Organisation,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(
        "passeport.html", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<html><script></script>", "text/html"
    )
    referral, _created = referral_submit(
        actor=ngo_referrer,
        data=referral_data(office_rabat, attachments=[("identity_document", upload)]),
    )
    attachment = referral.attachments.get()
    client.force_login(caseworker)

    response = client.get(reverse("referrals:attachment", args=[referral.pk, attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="passeport.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
