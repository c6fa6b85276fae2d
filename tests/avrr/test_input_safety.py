"""Input that must be refused with a 400, never a 500: a % in a filter's value, a body
nested too deep, a body that is not JSON, an address under /api/ that names nothing."""

import pytest
from django import forms
from rest_framework.test import APIClient

from avrr.api_keys import api_key_create
from avrr.forms import TextLimitsMixin
from avrr.models import Organisation, User
from avrr.parsers import MAX_JSON_DEPTH, json_depth_exceeds
from cases.models import Case
from cases.referrals.models import Referral

# Each is a %-format directive that a message filled in with no values cannot take.
PERCENT_VALUES = ["%", "%s", "%(code)s", "100%", "{0}"]


@pytest.fixture
def caseworker_client(caseworker: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


@pytest.mark.parametrize("value", PERCENT_VALUES)
def test_a_nationality_with_a_percent_sign_is_refused_by_name(
    caseworker_client: APIClient, value: str
) -> None:
    response = caseworker_client.get("/api/v1/cases/", {"nationality": value})
    assert response.status_code == 400
    assert response.json() == {"nationality": [f"Pays inconnu : {value}."]}


@pytest.mark.parametrize("value", PERCENT_VALUES)
def test_the_case_list_page_says_the_nationality_is_unknown(
    caseworker: User, client: APIClient, value: str
) -> None:
    client.force_login(caseworker)
    response = client.get("/cases/", {"nationality": value})
    assert response.status_code == 200
    assert f"Pays inconnu : {value}." in response.content.decode()


class _DiscountForm(TextLimitsMixin, forms.Form):
    note = forms.CharField(label="Remise (%)", max_length=3)


def test_a_text_limit_error_keeps_its_values_apart_from_its_message() -> None:
    """Whoever fills the message in with its values (django-filter does it even when there
    are none) gets the label as it is."""
    form = _DiscountForm(data={"note": "abcd"})
    assert not form.is_valid()
    [error] = form.errors.as_data()["note"]
    assert error.message % (error.params or ()) == (
        "« Remise (%) » : 3 caractères au plus (le texte en compte 4)."
    )
    assert form.errors["note"] == ["« Remise (%) » : 3 caractères au plus (le texte en compte 4)."]


def test_json_depth_counts_arrays_and_objects_but_not_brackets_in_strings() -> None:
    assert not json_depth_exceeds('{"a": [1, {"b": "[[[[{{{{"}]}', 3)
    assert json_depth_exceeds('{"a": [1, {"b": [2]}]}', 3)
    assert not json_depth_exceeds('["\\"[[[", "\\\\", []]', 2)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_a_body_nested_too_deep_is_refused(caseworker_client: APIClient, depth: int) -> None:
    response = caseworker_client.post(
        "/api/v1/cases/", _nested(depth), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": (
            "Le JSON est imbriqué trop profondément : 32 niveaux de tableaux et d'objets au plus."
        )
    }
    assert not Case.objects.exists()


def test_a_body_as_deep_as_allowed_reaches_the_serializer(caseworker_client: APIClient) -> None:
    response = caseworker_client.post(
        "/api/v1/cases/", _nested(MAX_JSON_DEPTH), content_type="application/json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_an_ngo_tool_sending_a_body_nested_too_deep_is_refused(ngo: Organisation) -> None:
    _, key = api_key_create(actor=None, organisation=ngo, name="Outil")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body = '{"people": ' + _nested(100_000) + "}"
    response = client.post("/api/v1/referrals/", body, content_type="application/json")
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_the_api_reads_json_only(caseworker_client: APIClient) -> None:
    response = caseworker_client.post("/api/v1/cases/", {"people": "x"}, format="multipart")
    assert response.status_code == 415
    assert not Case.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/cases/0.5/", "/api/v1/nothing/"])
def test_an_api_address_that_names_nothing_answers_json(
    caseworker_client: APIClient, url: str
) -> None:
    response = caseworker_client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Non trouvé."}


def test_a_page_address_that_names_nothing_answers_the_sites_page(
    caseworker: User, client: APIClient
) -> None:
    client.force_login(caseworker)
    response = client.get("/cases/nothing/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
