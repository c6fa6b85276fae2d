"""The API's country fields offer the countries the deployment offers (COUNTRIES_OVERRIDE)."""

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from avrr.models import User
from cases.api.fields import CountryCodeField
from cases.models import Case


def test_country_codes_are_read_in_any_case() -> None:
    assert CountryCodeField().run_validation(" gn ") == "GN"


def test_western_sahara_is_not_a_country_code() -> None:
    with pytest.raises(serializers.ValidationError):
        CountryCodeField().run_validation("EH")


@pytest.mark.parametrize("field", ["nationality", "country_of_return"])
def test_a_case_is_not_registered_with_a_country_left_out(caseworker: User, field: str) -> None:
    client = APIClient()
    client.force_authenticate(caseworker)
    person = {
        "family_name": "Bah",
        "given_name": "Fatoumata",
        "sex": "F",
        "nationality": "GN",
        "age": 30,
    } | {field: "EH"}
    response = client.post("/api/v1/cases/", {"people": [person]}, format="json")
    assert response.status_code == 400
    assert response.json()["people"]["0"] == {field: ["«\xa0EH\xa0» n'est pas un choix valide."]}
    assert not Case.objects.exists()
