"""Fixtures of the departure phase's tests: a Guinean household of the Rabat office, and the
embassies the data migration seeds."""

from datetime import date

import pytest
from django.utils import timezone

from avrr.models import User
from cases.departure.models import Embassy
from cases.models import Case, Person
from tests.factories import child_data, embassies_seed, person_data, register_case


@pytest.fixture(autouse=True)
def embassies(db: None) -> None:
    embassies_seed()


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def guinea_embassy(db: None) -> Embassy:
    return Embassy.objects.get(country="GN", city="Rabat")


@pytest.fixture
def nigeria_embassy(db: None) -> Embassy:
    return Embassy.objects.get(country="NG", city="Rabat")


@pytest.fixture
def household(caseworker: User) -> Case:
    """A Guinean mother and her son, of the Rabat office."""
    return register_case(caseworker, person_data(), child_data())


@pytest.fixture
def mother(household: Case) -> Person:
    return household.people.get(relationship="principal")


@pytest.fixture
def son(household: Case) -> Person:
    return household.people.get(relationship="child")
