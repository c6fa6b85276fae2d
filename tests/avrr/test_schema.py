"""The OpenAPI schema documents what the API answers: the errors of every operation, the
countries it accepts."""

from typing import Any

import pytest
from django_countries import countries
from rest_framework.test import APIClient

from avrr.models import User

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(caseworker: User) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(caseworker)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method in METHODS
    ]


def test_every_operation_documents_the_errors_it_can_answer(schema: dict[str, Any]) -> None:
    for method, path, operation in _operations(schema):
        codes = set(operation["responses"])
        name = f"{method.upper()} {path}"
        # Credentials missing or refused; a user, or a session without its CSRF token, refused.
        assert {"401", "403"} <= codes, name
        is_list = method == "get" and "{" not in path and path != "/api/v1/me/"
        if "requestBody" in operation:
            assert {"400", "415"} <= codes, name
        if is_list:
            # Filters refused; a page past the last.
            assert {"400", "404"} <= codes, name
        if "{" in path:
            assert "404" in codes, name
        for code, response in operation["responses"].items():
            if code >= "400" and code != "400":
                assert "application/json" in response["content"], f"{name} {code}"
    referral_submit = schema["paths"]["/api/v1/referrals/"]["post"]["responses"]
    assert {"422", "429"} <= set(referral_submit)
    assert "409" in schema["paths"]["/api/v1/cases/{id}/"]["patch"]["responses"]


def test_operations_that_read_no_body_document_no_body_errors(schema: dict[str, Any]) -> None:
    me = schema["paths"]["/api/v1/me/"]["get"]["responses"]
    assert set(me) == {"200", "401", "403"}
    detail = schema["paths"]["/api/v1/cases/{id}/"]["get"]["responses"]
    assert set(detail) == {"200", "401", "403", "404"}


def test_request_bodies_are_json_only(schema: dict[str, Any]) -> None:
    for method, path, operation in _operations(schema):
        if "requestBody" in operation:
            assert set(operation["requestBody"]["content"]) == {"application/json"}, (
                f"{method.upper()} {path}"
            )


def test_country_codes_are_the_countries_offered(schema: dict[str, Any]) -> None:
    enum = schema["components"]["schemas"]["CountryCodeEnum"]["enum"]
    assert enum == [code for code, _name in countries]
    assert "GN" in enum
    assert "EH" not in enum  # COUNTRIES_EXCLUDED
    assert "AA" not in enum
    person = schema["components"]["schemas"]["PersonCreateRequest"]["properties"]
    assert person["nationality"] == {"$ref": "#/components/schemas/CountryCodeEnum"}
    # Left blank, the country of return is the nationality.
    assert person["country_of_return"]["oneOf"] == [
        {"$ref": "#/components/schemas/CountryCodeEnum"},
        {"type": "string", "enum": [""]},
    ]
    case_list = schema["paths"]["/api/v1/cases/"]["get"]["parameters"]
    [nationality] = [parameter for parameter in case_list if parameter["name"] == "nationality"]
    assert nationality["schema"] == {"$ref": "#/components/schemas/CountryCodeEnum"}


def test_blank_choices_shown_by_the_api_are_in_their_enum(schema: dict[str, Any]) -> None:
    person = schema["components"]["schemas"]["Person"]["properties"]
    for name in ("marital_status", "education_level"):
        assert {"$ref": "#/components/schemas/BlankEnum"} in person[name]["oneOf"], name
    case = schema["components"]["schemas"]["CaseDetail"]["properties"]
    assert case["referring_organisation"]["nullable"] is True
