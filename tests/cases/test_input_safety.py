"""Input that looks right and is not: a quantity of nothing, names and numbers carrying
invisible direction controls, a JPEG carrying HTML. Refused or defused on every way in."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings
from rest_framework.test import APIClient

from avrr.models import User
from cases.forms import AssistanceForm, PersonForm
from cases.models import Assistance, AssistanceKind, Case, Person
from cases.services import assistance_record, attachment_add, person_update
from tests.factories import child_data, person_data, register_case

BIDI_MESSAGE = (
    "Le texte contient un caractère invisible qui change le sens d'affichage : "
    "retapez-le au clavier plutôt que de le copier-coller."
)
# A right-to-left override, a left-to-right mark, an isolate, the Arabic letter mark.
CONTROLS = ["\u202e", "\u200e", "\u2067", "\u061c"]


@pytest.fixture
def case(caseworker: User) -> Case:
    return register_case(caseworker, person_data(), child_data())


def principal_of(case: Case) -> Person:
    return case.people.get(relationship="principal")


# Quantity --------------------------------------------------------------------------------


def test_the_service_refuses_an_assistance_of_nothing(case: Case, caseworker: User) -> None:
    with pytest.raises(ValidationError) as refused:
        assistance_record(
            actor=caseworker,
            person=principal_of(case),
            kind=AssistanceKind.FOOD_KIT,
            given_on=timezone.localdate(),
            quantity=0,
        )
    assert refused.value.message_dict == {"quantity": ["La quantité est d'au moins 1."]}
    assert Assistance.objects.count() == 0


def test_the_form_refuses_an_assistance_of_nothing(db: None) -> None:
    form = AssistanceForm({"kind": "food_kit", "given_on": "2025-01-01", "quantity": "0"})
    assert form.errors["quantity"] == ["La quantité est d'au moins 1."]


def test_the_api_refuses_an_assistance_of_nothing(case: Case, caseworker: User) -> None:
    client = APIClient()
    client.force_authenticate(caseworker)
    response = client.post(
        "/api/v1/assistance/",
        {
            "person": principal_of(case).pk,
            "kind": "food_kit",
            "given_on": timezone.localdate().isoformat(),
            "quantity": 0,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["quantity"] == ["La quantité est d'au moins 1."]
    assert Assistance.objects.count() == 0


# Direction controls ----------------------------------------------------------------------


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize(
    "field",
    ["family_name", "given_name_ar", "phone", "id_document_number", "travel_document_number"],
)
def test_the_service_refuses_direction_controls_in_names_and_numbers(
    caseworker: User, field: str, control: str
) -> None:
    data = person_data(**{field: f"AB{control}123"})
    with pytest.raises(ValidationError) as refused:
        register_case(caseworker, data)
    [message] = refused.value.messages
    assert message.startswith("Personne 1 — « ")
    assert message.endswith(BIDI_MESSAGE)
    assert Case.objects.count() == 0


def test_arabic_names_are_still_accepted(caseworker: User) -> None:
    case = register_case(caseworker, person_data(family_name_ar="كوناتي", given_name_ar="أميناتا"))
    assert principal_of(case).family_name_ar == "كوناتي"


def test_an_edit_of_a_person_refuses_direction_controls(case: Case, caseworker: User) -> None:
    person = principal_of(case)
    with pytest.raises(ValidationError, match="invisible"):
        person_update(
            actor=caseworker,
            person=person,
            expected_version=person.version,
            changes={"given_name": "Ami\u202enata"},
        )


def test_the_form_refuses_direction_controls_by_the_field(db: None) -> None:
    form = PersonForm(
        {
            "relationship": "principal",
            "family_name": "Kon\u202eaté",
            "given_name": "Aminata",
            "sex": "F",
            "age": "30",
            "nationality": "CI",
            "phone": "+212\u200f600",
        }
    )
    assert form.errors == {"family_name": [BIDI_MESSAGE], "phone": [BIDI_MESSAGE]}


def test_the_api_refuses_direction_controls(case: Case, caseworker: User) -> None:
    person = principal_of(case)
    client = APIClient()
    client.force_authenticate(caseworker)
    response = client.patch(
        f"/api/v1/people/{person.pk}/",
        {"version": person.version, "id_document_number": "AB\u202e123"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["id_document_number"] == [BIDI_MESSAGE]
    person.refresh_from_db()
    assert person.id_document_number == ""


def test_the_case_edit_refuses_direction_controls_in_the_decision_reference(
    client: Client, case: Case, caseworker: User
) -> None:
    client.force_login(caseworker)
    response = client.get(reverse("cases:edit", args=[case.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["justice_reference"] = "2025/\u202e17"
    response = client.post(reverse("cases:edit", args=[case.pk]), data)
    assert response.context["form"].errors == {"justice_reference": [BIDI_MESSAGE]}
    case.refresh_from_db()
    assert case.justice_reference == ""


# A JPEG carrying HTML --------------------------------------------------------------------

JPEG_WITH_HTML = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<html><script>alert(1)</script></html>"


def test_an_attachment_is_downloaded_as_its_detected_type_never_shown(
    client: Client, case: Case, caseworker: User, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    attachment = attachment_add(
        actor=caseworker,
        case=case,
        kind="photo",
        upload=SimpleUploadedFile("photo\u202egpj.html", JPEG_WITH_HTML, "text/html"),
    )
    client.force_login(caseworker)

    response = client.get(reverse("cases:attachment", args=[case.pk, attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="photogpj.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "content",
    [b"<html><body>hi</body></html>", b"GIF89a\x01\x00\x01\x00", b"<svg xmlns='x'/>"],
)
def test_a_file_of_a_type_not_allowed_is_refused_at_upload(
    case: Case, caseworker: User, content: bytes
) -> None:
    with pytest.raises(ValidationError, match="PDF, JPEG et PNG"):
        attachment_add(
            actor=caseworker,
            case=case,
            kind="photo",
            upload=SimpleUploadedFile("photo.jpg", content, "image/jpeg"),
        )
    assert case.attachments.count() == 0
