"""The API against its own OpenAPI schema, under schemathesis: requests generated from the
schema (valid and invalid) are sent through Django's WSGI application to the test
database, by a caseworker signed in with a session and by an NGO's tool with its API key.

No answer may be a server error; every answer must have a status, a content type and a
body that the schema documents; and a request the schema calls valid must not be refused
with a 400 or a 422, except where a rule that the schema cannot state decides
(RULES_BEYOND_THE_SCHEMA). Examples are few and drawn the same way at every run, so that
the test stays under a minute or two on two cores and fails only when the code changes.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from pytest_django import Settings
from schemathesis import Case
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from avrr.api_keys import api_key_create
from avrr.models import Organisation, User
from avrr.wsgi import application
from cases import services
from cases.departure.models import Embassy
from cases.departure.services.documents import lpc_issue, lpc_request, passport_record
from cases.departure.services.movements import (
    CheckData,
    case_book,
    departure_check_update,
    exit_authorisation_record,
)
from cases.models import AssistanceKind
from cases.models import Case as CaseRecord
from cases.referrals.services import referral_accept, referral_submit
from tests.cases.departure.movements_helpers import agreement_with, flight, passports, ready_case
from tests.factories import (
    child_data,
    embassies_seed,
    person_data,
    referral_data,
    register_case,
)

# The schema as the API serves it (the same generator), read before any request is sent.
SCHEMA = schemathesis.openapi.from_dict(
    json.loads(
        OpenApiJsonRenderer().render(
            SchemaGenerator().get_schema(  # type: ignore[no-untyped-call]
                request=None, public=True
            ),
            renderer_context={},
        )
    )
)
SCHEMA.app = application

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]

# Where a request the schema calls valid may still be refused (400): what decides is a
# rule between fields, a date relative to today, or a record the data must hold.
RULES_BEYOND_THE_SCHEMA = {
    ("POST", "/api/v1/cases/"): "one principal applicant; birth date, year or age; the "
    "referring organisation by referral source; the assignee among the office's staff",
    ("PATCH", "/api/v1/cases/{id}/"): "dates not in the future; the referring organisation",
    ("POST", "/api/v1/cases/{id}/transitions/"): "what a status needs first (workflow)",
    ("POST", "/api/v1/cases/{id}/assign/"): "the assignee among the office's staff",
    ("POST", "/api/v1/cases/{id}/people/"): "one principal applicant; birth data",
    ("PATCH", "/api/v1/people/{id}/"): "dates not in the future",
    ("POST", "/api/v1/assistance/"): "a provider and a currency in use; no future date",
    ("POST", "/api/v1/referrals/"): "an active IOM office; one principal; consent; "
    "birth date or age",
    ("PUT", "/api/v1/referrals/{id}/"): "the same as a submission, while still submitted",
    ("POST", "/api/v1/referrals/{id}/withdraw/"): "the referral's status",
    ("POST", "/api/v1/referrals/{id}/review/"): "the referral's status",
    ("POST", "/api/v1/referrals/{id}/accept/"): "the referral's status",
    ("POST", "/api/v1/referrals/{id}/decline/"): "the referral's status; a reason",
    ("POST", "/api/v1/departure/travel-documents/"): "no future date; expiry after issue; "
    "a number not yet recorded",
    ("POST", "/api/v1/departure/lpc-requests/"): "an embassy of the person's country; one "
    "unanswered request at a time; no future date",
    ("POST", "/api/v1/departure/lpc-requests/{id}/interview/"): "the request's status; not "
    "before the request",
    ("POST", "/api/v1/departure/lpc-requests/{id}/issue/"): "the request's status; dates",
    ("POST", "/api/v1/departure/lpc-requests/{id}/refuse/"): "the request's status; a reason",
    ("POST", "/api/v1/departure/lpc-requests/{id}/expire/"): "the request's status; the "
    "laissez-passer's expiry passed",
    ("POST", "/api/v1/departure/waiting-list/"): "a ready case; no agreement able to pay; "
    "a currency in use",
    ("POST", "/api/v1/departure/waiting-list/{id}/funds-found/"): "a case on the waiting list",
    ("POST", "/api/v1/departure/movements/{id}/legs/"): "IANA time zones; arrival after "
    "departure; travellers' documents still valid",
    ("POST", "/api/v1/departure/movements/{id}/book/"): "a ready case of the office; valid "
    "travel documents; the agreement's currency",
    ("POST", "/api/v1/departure/movements/{id}/cancel/"): "a planned movement",
    ("POST", "/api/v1/departure/movements/{id}/complete/"): "what departure needs (workflow)",
    ("POST", "/api/v1/departure/tickets/{id}/cancel/"): "the ticket's status",
    ("POST", "/api/v1/departure/tickets/{id}/no-show/"): "the ticket's status",
    ("POST", "/api/v1/departure/tickets/{id}/exit-authorisation/"): "the ticket's status; a "
    "valid travel document; no future date",
    ("POST", "/api/v1/departure/tickets/{id}/departure-check/"): "the ticket's status; a "
    "currency in use; the exit authorisation before the border",
}


@dataclass(frozen=True)
class Credentials:
    session: str
    csrf: str
    api_key: str

    def call(self, case: Case[Any], checks: list[CheckFunction]) -> Response:
        """As the NGO's tool for referrals; as the signed-in caseworker for the rest."""
        if case.path.startswith("/api/v1/referrals/"):
            return case.call_and_validate(
                headers={"Authorization": f"Api-Key {self.api_key}"}, checks=checks
            )
        return case.call_and_validate(
            headers={"X-CSRFToken": self.csrf},
            cookies={"sessionid": self.session, "csrftoken": self.csrf},
            checks=checks,
        )


@pytest.fixture
def wsgi_requests(settings: Settings) -> Iterator[None]:
    """Requests through the WSGI handler inside the test's transaction, as Django's test
    client makes them: the connection is not closed at the end of each request."""
    # werkzeug's test client sends requests to `localhost`.
    settings.ALLOWED_HOSTS = ["localhost"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    cache.clear()  # throttle counts
    yield
    cache.clear()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(
    wsgi_requests: None, caseworker: User, ngo_referrer: User, ngo: Organisation
) -> Credentials:
    client = Client()
    client.force_login(caseworker)
    request = RequestFactory().get("/")
    get_token(request)
    _, api_key = api_key_create(actor=None, organisation=ngo, name="Outil de suivi")
    return Credentials(
        session=client.cookies["sessionid"].value,
        csrf=request.META["CSRF_COOKIE"],
        api_key=api_key,
    )


@pytest.fixture
def records(
    caseworker: User,
    ngo_referrer: User,
    office_rabat: Organisation,
    settings: Settings,
    tmp_path: Path,
) -> dict[str, list[int]]:
    """Something of everything the API shows, so that answers carry every field."""
    settings.MEDIA_ROOT = tmp_path
    case = register_case(caseworker, person_data(vulnerabilities=["single_parent"]), child_data())
    principal = case.people.get(relationship="principal")
    services.assistance_record(
        actor=caseworker, person=principal, kind=AssistanceKind.FOOD_KIT, given_on=date(2026, 1, 5)
    )
    services.counselling_record(
        actor=caseworker, case=case, held_on=date(2026, 1, 6), topics="Retour"
    )
    embassies_seed()
    passport_record(
        actor=caseworker,
        person=principal,
        number="GN1",
        issuing_country="GN",
        issued_on=date(2025, 1, 5),
        expires_on=date(2035, 1, 4),
    )
    lpc = lpc_request(
        actor=caseworker,
        person=case.people.get(relationship="child"),
        embassy=Embassy.objects.get(country="GN", city="Rabat"),
        requested_on=date(2026, 1, 5),
    )
    lpc_issue(
        actor=caseworker,
        request=lpc,
        number="LP1",
        issued_on=date(2026, 1, 20),
        expires_on=date(2036, 1, 20),
    )
    submitted, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    accepted, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    opened = referral_accept(actor=caseworker, referral=accepted)
    return {
        "/api/v1/cases/{id}/": [case.pk, opened.pk],
        "/api/v1/people/{id}/": list(
            CaseRecord.objects.filter(pk__in=[case.pk, opened.pk]).values_list("people", flat=True)
        ),
        "/api/v1/referrals/{id}/": [submitted.pk, accepted.pk],
        **_departure_records(caseworker),
    }


def _departure_records(caseworker: User) -> dict[str, list[int]]:
    """A movement with a ticket that has its exit authorisation and departure day."""
    travelling = ready_case(caseworker, person_data(given_name="Awa"))
    passports(travelling, caseworker)
    movement = flight(caseworker)
    (ticket,) = case_book(
        actor=caseworker,
        movement=movement,
        case=travelling,
        agreement=agreement_with(10),
        cost=Decimal(300),
        currency="EUR",
    )
    exit_authorisation_record(
        actor=caseworker,
        ticket=ticket,
        pv_number="PV-1",
        issued_on=timezone.localdate(),
        police_station="Commissariat",
    )
    departure_check_update(
        actor=caseworker,
        ticket=ticket,
        data=CheckData(per_diem_amount=Decimal(100), per_diem_currency="USD"),
    )
    return {
        "/api/v1/departure/movements/{id}/": [movement.pk],
        "/api/v1/departure/tickets/{id}/": [ticket.pk],
    }


@SCHEMA.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    # The fixtures hold the test database's records and credentials for all examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_its_schema_says(
    case: Case[Any], credentials: Credentials, records: dict[str, list[int]]
) -> None:
    checks = CHECKS
    if (case.method.upper(), case.path) in RULES_BEYOND_THE_SCHEMA:
        checks = [check for check in CHECKS if check is not positive_data_acceptance]
    credentials.call(case, checks)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/{id}/",
        "/api/v1/people/{id}/",
        "/api/v1/referrals/{id}/",
        "/api/v1/departure/movements/{id}/",
        "/api/v1/departure/tickets/{id}/",
    ],
)
def test_records_are_shown_as_the_schema_says(
    credentials: Credentials, records: dict[str, list[int]], path: str
) -> None:
    """Examples rarely hit an id that exists: each kind of record, read as it is."""
    operation = SCHEMA[path]["GET"]
    for pk in records[path]:
        case = operation.Case(path_parameters={"id": pk})
        response = credentials.call(case, CHECKS)
        assert response.status_code == 200
