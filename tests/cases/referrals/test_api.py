"""The referral API: NGO tools submit and follow, IOM offices triage; who sees what,
idempotent submission (also under concurrency), the per-organisation rate and the schema."""

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from pytest_django import Settings
from rest_framework.test import APIClient

from avrr.api_keys import api_key_create, api_key_revoke
from avrr.models import ApiKey, Organisation, User
from avrr.roles import Role
from cases.models import Case, CaseStatus
from cases.referrals import services
from cases.referrals.models import IdempotencyRecord, Referral, ReferralStatus, ReferredPerson
from tests.cases.test_api import LIST_URLS, NOT_FOUND, OBJECT_ENDPOINTS, _call
from tests.factories import UserFactory, referral_data

URL = "/api/v1/referrals/"
CONSENT_MISSING = (
    "Le consentement de la personne au partage de ses données avec l'OIM est obligatoire : "
    "indiquez sa date et qui l'a recueilli."
)
UNDER_REVIEW = "Ce référencement n'est plus modifiable : l'OIM l'examine déjà."
THREADS = 20


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Throttle counts live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _payload(**overrides: Any) -> dict[str, Any]:
    """A valid submission: a mother and her son, with her consent."""
    payload: dict[str, Any] = {
        "office": "RBA",
        "people": [
            {
                "family_name": "Konaté",
                "given_name": "Aminata",
                "sex": "F",
                "nationality": "CI",
                "birth_date": "1996-02-11",
                "languages": "français, dioula",
                "vulnerabilities": ["single_parent"],
            },
            {
                "family_name": "Konaté",
                "given_name": "Moussa",
                "sex": "M",
                "nationality": "ci",
                "relationship": "child",
                "age": 4,
            },
        ],
        "reason": "Souhaite rentrer auprès de sa famille à Abidjan.",
        "urgency": 1,
        "contact_phone": "+212 600 00 00 00",
        "consent_given_on": "2026-01-10",
        "consent_taken_by": "Fatou Diallo",
    }
    payload.update(overrides)
    return payload


def _key_client(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return client


def _session_client(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def ngo_key(ngo: Organisation) -> tuple[ApiKey, str]:
    return api_key_create(actor=None, organisation=ngo, name="Outil de suivi")


@pytest.fixture
def ngo_tool(ngo_key: tuple[ApiKey, str]) -> APIClient:
    """NGO1's own tool, with its API key."""
    return _key_client(ngo_key[1])


@pytest.fixture
def other_ngo_referrer(other_ngo: Organisation) -> User:
    return UserFactory.create(username="ngo2", role=Role.NGO_REFERRER, organisation=other_ngo)


@pytest.fixture
def referral(ngo_referrer: User, office_rabat: Organisation) -> Referral:
    """NGO1's referral of a mother and her son to Rabat, as submitted on the site."""
    created, _new = services.referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    return created


def _accepted(referral: Referral, caseworker: User) -> Case:
    return services.referral_accept(actor=caseworker, referral=referral)


def _get(client: APIClient, url: str) -> tuple[int, Any]:
    response = client.get(url)
    return response.status_code, response.json()


def _references(client: APIClient, query: str = "") -> list[str]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return [row["reference"] for row in response.json()["results"]]


# Submission --------------------------------------------------------------------------


def test_submit_with_an_api_key(
    ngo_tool: APIClient, ngo_key: tuple[ApiKey, str], office_rabat: Organisation
) -> None:
    response = ngo_tool.post(URL, _payload(), format="json")

    assert response.status_code == 201
    referral = Referral.objects.get()
    assert referral.organisation.code == "NGO1"
    assert referral.office == office_rabat
    assert referral.submitted_by == ngo_key[0].user
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.consent_given_on == date(2026, 1, 10)
    body = response.json()
    assert body["id"] == referral.pk
    assert body["reference"] == referral.reference
    assert body["reference"].startswith(f"REF-NGO1-{timezone.localdate().year}-")
    assert body["status"] == "submitted"
    assert body["urgency"] == 1
    assert body["office"] == "RBA"
    assert body["organisation"] == "NGO1"
    assert body["decline_reason"] is None
    assert body["case"] is None
    assert body["people_count"] == 2
    assert body["people"] == [
        {
            "relationship": "principal",
            "family_name": "Konaté",
            "given_name": "Aminata",
            "sex": "F",
            "birth_date": "1996-02-11",
            "age": None,
            "nationality": "CI",
            "languages": "français, dioula",
            "vulnerabilities": ["single_parent"],
        },
        {
            "relationship": "child",
            "family_name": "Konaté",
            "given_name": "Moussa",
            "sex": "M",
            "birth_date": None,
            "age": 4,
            "nationality": "CI",
            "languages": "",
            "vulnerabilities": [],
        },
    ]
    assert body["consent_given_on"] == "2026-01-10"
    assert body["consent_taken_by"] == "Fatou Diallo"
    assert "Idempotent-Replayed" not in response.headers


def test_submit_as_a_signed_in_ngo_user(ngo_referrer: User, office_rabat: Organisation) -> None:
    response = _session_client(ngo_referrer).post(URL, _payload(urgency=2), format="json")

    assert response.status_code == 201
    referral = Referral.objects.get()
    assert referral.submitted_by == ngo_referrer
    assert referral.urgency == 2
    assert response.json()["people_count"] == 2


@pytest.mark.parametrize(
    "missing",
    [
        {"consent_given_on": None},
        {"consent_taken_by": ""},
        {"consent_given_on": None, "consent_taken_by": ""},
    ],
    ids=["no-date", "no-one", "nothing"],
)
def test_submit_without_consent_saves_nothing(
    ngo_tool: APIClient, office_rabat: Organisation, missing: dict[str, Any]
) -> None:
    payload = {key: value for key, value in _payload().items() if key not in missing}
    response = ngo_tool.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 400
    assert response.json() == {"consent": [CONSENT_MISSING]}
    assert not Referral.objects.exists()
    assert not ReferredPerson.objects.exists()
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"office": "NGO2"}, "office"),
        ({"office": "XXX"}, "office"),
        ({"people": []}, "people"),
        ({"reason": "  "}, "reason"),
        ({"urgency": 7}, "urgency"),
        ({"consent_given_on": "2999-01-01"}, "consent_given_on"),
    ],
)
def test_invalid_submission_saves_nothing(
    ngo_tool: APIClient,
    office_rabat: Organisation,
    other_ngo: Organisation,
    overrides: dict[str, Any],
    field: str,
) -> None:
    response = ngo_tool.post(URL, _payload(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "person",
    [
        {"relationship": "child"},
        {"birth_date": None},
        {"vulnerabilities": ["no_such_code"]},
        {"nationality": "ZZ"},
    ],
    ids=["no-principal", "no-birth-date-or-age", "unknown-vulnerability", "unknown-country"],
)
def test_invalid_person_saves_nothing(
    ngo_tool: APIClient, office_rabat: Organisation, person: dict[str, Any]
) -> None:
    payload = _payload()
    payload["people"][0].update(person)
    response = ngo_tool.post(URL, payload, format="json")

    assert response.status_code == 400
    assert "people" in response.json()
    assert not Referral.objects.exists()


def test_submit_is_json_only(ngo_tool: APIClient, office_rabat: Organisation) -> None:
    response = ngo_tool.post(URL, {"office": "RBA", "reason": "x"}, format="multipart")
    assert response.status_code == 415
    assert not Referral.objects.exists()


@pytest.mark.parametrize("role_fixture", ["caseworker", "supervisor", "ministry_focal_point"])
def test_only_ngos_submit(
    office_rabat: Organisation, role_fixture: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(role_fixture)
    response = _session_client(user).post(URL, _payload(), format="json")
    assert response.status_code == 403
    assert not Referral.objects.exists()


def test_unauthenticated_gets_401(referral: Referral) -> None:
    client = APIClient()
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}{referral.pk}/").status_code == 401
    assert client.post(URL, _payload(), format="json").status_code == 401
    assert Referral.objects.count() == 1


def test_revoked_or_unknown_key_gets_401(
    ngo_key: tuple[ApiKey, str], office_rabat: Organisation, referral: Referral
) -> None:
    api_key, raw_key = ngo_key
    assert _key_client(raw_key).get(URL).status_code == 200
    api_key_revoke(actor=None, api_key=api_key)

    for client in [_key_client(raw_key), _key_client("deadbeef.not-a-key")]:
        assert client.get(URL).status_code == 401
        assert client.get(f"{URL}{referral.pk}/").status_code == 401
        response = client.post(URL, _payload(), format="json")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Api-Key"
    assert Referral.objects.count() == 1


# Idempotency -------------------------------------------------------------------------


def test_replay_with_the_same_key_returns_the_same_referral(
    ngo_tool: APIClient, ngo_referrer: User, office_rabat: Organisation
) -> None:
    first = ngo_tool.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 201

    again = ngo_tool.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()

    # The key is the organisation's: its other users and keys get the same answer.
    by_colleague = _session_client(ngo_referrer).post(
        URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123"
    )
    assert by_colleague.status_code == 200
    assert by_colleague.json()["reference"] == first.json()["reference"]

    assert Referral.objects.count() == 1
    assert ReferredPerson.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_same_key_with_another_body_is_refused(
    ngo_tool: APIClient, office_rabat: Organisation
) -> None:
    first = ngo_tool.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 201

    response = ngo_tool.post(
        URL, _payload(urgency=2), format="json", HTTP_IDEMPOTENCY_KEY="abc-123"
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert "nouvelle clé" in response.json()["detail"]
    assert Referral.objects.get().urgency == 1


def test_the_same_key_in_another_organisation_is_another_submission(
    ngo_tool: APIClient, other_ngo_referrer: User, office_rabat: Organisation
) -> None:
    first = ngo_tool.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    other = _session_client(other_ngo_referrer).post(
        URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123"
    )
    assert (first.status_code, other.status_code) == (201, 201)
    assert first.json()["reference"] != other.json()["reference"]
    assert Referral.objects.count() == 2


def test_without_a_key_every_submission_counts(
    ngo_tool: APIClient, office_rabat: Organisation
) -> None:
    assert ngo_tool.post(URL, _payload(), format="json").status_code == 201
    assert ngo_tool.post(URL, _payload(), format="json").status_code == 201
    assert Referral.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_overlong_key_is_refused(ngo_tool: APIClient, office_rabat: Organisation) -> None:
    response = ngo_tool.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 201)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Referral.objects.exists()


def test_concurrent_retries_with_one_key_create_one_referral(
    postgres: None,
    transactional_db: None,
    ngo_key: tuple[ApiKey, str],
    office_rabat: Organisation,
) -> None:
    """The same submission sent by 20 threads at once, through the whole HTTP stack."""
    start = threading.Barrier(THREADS)
    answers: list[tuple[int, str, str | None]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    payload = _payload()

    def submit() -> None:
        try:
            client = _key_client(ngo_key[1])
            start.wait(timeout=30)
            response = client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="once")
            with lock:
                answers.append(
                    (
                        response.status_code,
                        response.json().get("reference", ""),
                        response.headers.get("Idempotent-Replayed"),
                    )
                )
        except BaseException as error:  # reported by the main thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(answers) == THREADS
    referral = Referral.objects.get()
    assert referral.people.count() == 2
    assert IdempotencyRecord.objects.get().referral == referral
    assert sorted(status for status, _reference, _replayed in answers) == [200] * (THREADS - 1) + [
        201
    ]
    assert {reference for _status, reference, _replayed in answers} == {referral.reference}
    assert sorted(str(replayed) for _status, _reference, replayed in answers) == ["None"] + [
        "true"
    ] * (THREADS - 1)


# Rate limit --------------------------------------------------------------------------


def test_submissions_are_limited_per_organisation(
    settings: Settings,
    ngo_tool: APIClient,
    ngo: Organisation,
    ngo_referrer: User,
    other_ngo_referrer: User,
    office_rabat: Organisation,
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"referrals": "2/min"},
    }
    colleague = _session_client(ngo_referrer)

    assert ngo_tool.post(URL, _payload(), format="json").status_code == 201
    assert colleague.post(URL, _payload(), format="json").status_code == 201
    # A second key of the same organisation shares its limit.
    _second_key, second_raw = api_key_create(actor=None, organisation=ngo, name="Deuxième outil")
    for client in [ngo_tool, colleague, _key_client(second_raw)]:
        refused = client.post(URL, _payload(), format="json")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
    assert Referral.objects.filter(organisation__code="NGO1").count() == 2

    # Another NGO has its own limit; reading is not limited.
    other = _session_client(other_ngo_referrer)
    assert other.post(URL, _payload(), format="json").status_code == 201
    assert ngo_tool.get(URL).status_code == 200
    assert ngo_tool.get(URL).json()["count"] == 2


# Lists and detail --------------------------------------------------------------------


def test_ngo_list_rows(
    ngo_tool: APIClient,
    referral: Referral,
    other_ngo_referrer: User,
    office_rabat: Organisation,
) -> None:
    services.referral_submit(actor=other_ngo_referrer, data=referral_data(office_rabat))

    response = ngo_tool.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row == {
        "id": referral.pk,
        "reference": referral.reference,
        "status": "submitted",
        "urgency": 1,
        "office": "RBA",
        "organisation": "NGO1",
        "submitted_at": row["submitted_at"],
        "status_changed_at": row["status_changed_at"],
        "decline_reason": None,
        "people_count": 2,
        "people": [
            {"family_name": "Konaté", "given_name": "Aminata", "relationship": "principal"},
            {"family_name": "Konaté", "given_name": "Moussa", "relationship": "child"},
        ],
        "case": None,
    }
    assert row["submitted_at"].startswith(timezone.localdate().isoformat())


def test_office_list_shows_people_and_the_case_once_accepted(
    referral: Referral, caseworker: User, other_ngo_referrer: User, office_oujda: Organisation
) -> None:
    # Sent to another office: not in Rabat's list.
    services.referral_submit(actor=other_ngo_referrer, data=referral_data(office_oujda))
    case = _accepted(referral, caseworker)

    response = _session_client(caseworker).get(URL)

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["reference"] == referral.reference
    assert row["status"] == "accepted"
    assert row["organisation"] == "NGO1"
    assert row["case"] == {"id": case.pk, "number": case.number}
    assert [person["given_name"] for person in row["people"]] == ["Aminata", "Moussa"]


def test_ngo_detail_never_shows_the_case(
    ngo_tool: APIClient, referral: Referral, caseworker: User
) -> None:
    _accepted(referral, caseworker)
    status_code, body = _get(ngo_tool, f"{URL}{referral.pk}/")
    assert status_code == 200
    assert body["status"] == "accepted"
    assert body["case"] is None
    assert body["reason"] == "Souhaite rentrer auprès de sa famille à Abidjan."
    assert len(body["people"]) == 2


def test_ngo_sees_departed_once_the_case_has_departed(
    ngo_tool: APIClient, referral: Referral, caseworker: User
) -> None:
    case = _accepted(referral, caseworker)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DEPARTED)

    assert _get(ngo_tool, f"{URL}{referral.pk}/")[1]["status"] == "departed"
    assert _references(ngo_tool, "status=departed") == [referral.reference]
    assert _references(ngo_tool, "status=accepted") == []
    # IOM sees the referral's own status.
    office = _session_client(caseworker)
    assert _get(office, f"{URL}{referral.pk}/")[1]["status"] == "accepted"
    assert _references(office, "status=accepted") == [referral.reference]
    assert _references(office, "status=departed") == []


def test_list_filters(
    ngo_tool: APIClient, referral: Referral, ngo_referrer: User, office_rabat: Organisation
) -> None:
    urgent, _new = services.referral_submit(
        actor=ngo_referrer, data=referral_data(office_rabat, urgency=2)
    )
    services.referral_withdraw(actor=ngo_referrer, referral=urgent)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()

    assert _references(ngo_tool) == [urgent.reference, referral.reference]
    assert _references(ngo_tool, "status=withdrawn") == [urgent.reference]
    assert _references(ngo_tool, "status=submitted") == [referral.reference]
    assert _references(ngo_tool, "urgency=1") == [referral.reference]
    assert _references(ngo_tool, "urgency=2") == [urgent.reference]
    assert _references(ngo_tool, f"submitted_after={today.isoformat()}") == [urgent.reference]
    before = (today - timedelta(days=5)).isoformat()
    assert _references(ngo_tool, f"submitted_before={before}") == [referral.reference]
    assert ngo_tool.get(f"{URL}?status=nonsense").status_code == 400


@pytest.mark.parametrize("organisation", ["other_ngo", None])
def test_an_organisation_out_of_reach_matches_nothing(
    caseworker: User, referral: Referral, organisation: str | None, request: pytest.FixtureRequest
) -> None:
    """An NGO without referrals here, or none at all: an empty list, not an error."""
    pk = request.getfixturevalue(organisation).pk if organisation else 10**30
    response = _session_client(caseworker).get(f"{URL}?organisation={pk}")
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert _session_client(caseworker).get(f"{URL}?organisation=NGO1").status_code == 400


@pytest.mark.parametrize("viewer", ["ngo_referrer", "caseworker"])
def test_list_query_count_does_not_grow_with_rows(
    viewer: str,
    ngo_referrer: User,
    caseworker: User,
    office_rabat: Organisation,
    request: pytest.FixtureRequest,
) -> None:
    client = _session_client(request.getfixturevalue(viewer))

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        return len(queries)

    def submit_and_accept() -> None:
        submitted, _new = services.referral_submit(
            actor=ngo_referrer, data=referral_data(office_rabat)
        )
        _accepted(submitted, caseworker)
        services.referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))

    submit_and_accept()
    one = count_queries()
    for _round in range(3):
        submit_and_accept()
    assert count_queries() == one
    assert client.get(URL).json()["count"] == 8


# Who sees what -----------------------------------------------------------------------


def test_another_ngo_gets_404_and_changes_nothing(
    referral: Referral, other_ngo: Organisation, other_ngo_referrer: User
) -> None:
    _key, raw_key = api_key_create(actor=None, organisation=other_ngo, name="Outil")
    for client in [_key_client(raw_key), _session_client(other_ngo_referrer)]:
        assert _get(client, f"{URL}{referral.pk}/") == (404, NOT_FOUND)
        response = client.put(f"{URL}{referral.pk}/", _payload(reason="Autre"), format="json")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        response = client.post(f"{URL}{referral.pk}/withdraw/")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        assert client.get(URL).json()["count"] == 0
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (ReferralStatus.SUBMITTED, 1)
    assert referral.reason == "Souhaite rentrer auprès de sa famille à Abidjan."


def test_not_found_is_the_same_as_out_of_reach(ngo_tool: APIClient) -> None:
    for url in [f"{URL}999999/", f"{URL}abc/", f"{URL}999999/withdraw/"]:
        response = ngo_tool.get(url) if "withdraw" not in url else ngo_tool.post(url)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS)
def test_ngo_never_sees_the_case_opened_from_its_referral(
    ngo_tool: APIClient, ngo_referrer: User, referral: Referral, caseworker: User, endpoint: str
) -> None:
    case = _accepted(referral, caseworker)
    principal = case.people.get(relationship="principal")
    for client in [ngo_tool, _session_client(ngo_referrer)]:
        assert _call(client, endpoint, case, principal, caseworker) == (404, NOT_FOUND)
    case.refresh_from_db()
    assert case.version == 1
    assert case.status == CaseStatus.REGISTERED


@pytest.mark.parametrize("list_name", list(LIST_URLS))
def test_ngo_case_lists_are_empty(
    ngo_tool: APIClient, referral: Referral, caseworker: User, list_name: str
) -> None:
    case = _accepted(referral, caseworker)
    response = ngo_tool.get(LIST_URLS[list_name].format(case=case.pk))
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_caseworker_of_another_office_gets_404(
    referral: Referral, other_office_caseworker: User
) -> None:
    client = _session_client(other_office_caseworker)
    assert _get(client, f"{URL}{referral.pk}/") == (404, NOT_FOUND)
    for action, body in [("review", {}), ("accept", {}), ("decline", {"reason": "Non"})]:
        response = client.post(f"{URL}{referral.pk}/{action}/", body, format="json")
        assert (response.status_code, response.json()) == (404, NOT_FOUND), action
    assert client.get(URL).json()["count"] == 0
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not Case.objects.exists()


@pytest.mark.parametrize("action", ["review", "accept", "decline"])
def test_the_ngo_does_not_triage(ngo_tool: APIClient, referral: Referral, action: str) -> None:
    response = ngo_tool.post(f"{URL}{referral.pk}/{action}/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_the_office_does_not_correct_or_withdraw(referral: Referral, caseworker: User) -> None:
    client = _session_client(caseworker)
    assert client.put(f"{URL}{referral.pk}/", _payload(), format="json").status_code == 403
    assert client.post(f"{URL}{referral.pk}/withdraw/").status_code == 403
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (ReferralStatus.SUBMITTED, 1)


# Correction, withdrawal and triage ---------------------------------------------------


def test_correct_while_submitted(ngo_tool: APIClient, referral: Referral) -> None:
    payload = _payload(reason="Rentrer à Bouaké.", urgency=0)
    payload["people"] = payload["people"][:1]

    response = ngo_tool.put(f"{URL}{referral.pk}/", payload, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["reason"], body["urgency"], body["people_count"]) == ("Rentrer à Bouaké.", 0, 1)
    referral.refresh_from_db()
    assert referral.version == 2
    assert referral.reason == "Rentrer à Bouaké."
    assert referral.people.count() == 1


def test_correction_refused_once_under_review(
    ngo_tool: APIClient, referral: Referral, caseworker: User
) -> None:
    response = _session_client(caseworker).post(f"{URL}{referral.pk}/review/")
    assert response.status_code == 200
    assert response.json()["status"] == "under_review"

    response = ngo_tool.put(f"{URL}{referral.pk}/", _payload(reason="Autre"), format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [UNDER_REVIEW]}
    referral.refresh_from_db()
    assert referral.reason == "Souhaite rentrer auprès de sa famille à Abidjan."
    assert referral.people.count() == 2
    assert ngo_tool.post(f"{URL}{referral.pk}/withdraw/").status_code == 400
    assert _get(ngo_tool, f"{URL}{referral.pk}/")[1]["status"] == "under_review"


def test_withdraw(ngo_tool: APIClient, referral: Referral, caseworker: User) -> None:
    response = ngo_tool.post(f"{URL}{referral.pk}/withdraw/")

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert ngo_tool.post(f"{URL}{referral.pk}/withdraw/").status_code == 400
    office = _session_client(caseworker)
    assert office.post(f"{URL}{referral.pk}/accept/").status_code == 400
    assert not Case.objects.exists()


def test_accept_opens_a_case_with_both_people(
    ngo_tool: APIClient, referral: Referral, caseworker: User
) -> None:
    response = _session_client(caseworker).post(f"{URL}{referral.pk}/accept/")

    assert response.status_code == 200
    case = Case.objects.get()
    body = response.json()
    assert body["status"] == "accepted"
    assert body["case"] == {"id": case.pk, "number": case.number}
    assert case.office.code == "RBA"
    assert case.referring_organisation is not None
    assert case.referring_organisation.code == "NGO1"
    people = {(p.relationship, p.family_name, p.given_name) for p in case.people.all()}
    assert people == {("principal", "Konaté", "Aminata"), ("child", "Konaté", "Moussa")}
    principal = case.people.get(relationship="principal")
    assert list(principal.vulnerabilities.values_list("code", flat=True)) == ["single_parent"]
    referral.refresh_from_db()
    assert referral.case == case
    # Accepting twice opens nothing more.
    again = _session_client(caseworker).post(f"{URL}{referral.pk}/accept/")
    assert again.status_code == 400
    assert Case.objects.count() == 1
    # The NGO knows its referral was accepted, not which case was opened.
    ngo_body = _get(ngo_tool, f"{URL}{referral.pk}/")[1]
    assert (ngo_body["status"], ngo_body["case"]) == ("accepted", None)


def test_decline_needs_a_reason_the_ngo_then_reads(
    ngo_tool: APIClient, referral: Referral, caseworker: User
) -> None:
    office = _session_client(caseworker)
    for body in [{}, {"reason": "   "}]:
        response = office.post(f"{URL}{referral.pk}/decline/", body, format="json")
        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["Indiquez le motif du refus : l'ONG le lira."]
        }
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED

    reason = "Relève du HCR : demande d'asile en cours."
    response = office.post(f"{URL}{referral.pk}/decline/", {"reason": reason}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "declined"

    status_code, body = _get(ngo_tool, f"{URL}{referral.pk}/")
    assert status_code == 200
    assert (body["status"], body["decline_reason"]) == ("declined", reason)
    (row,) = ngo_tool.get(f"{URL}?status=declined").json()["results"]
    assert row["decline_reason"] == reason
    assert not Case.objects.exists()


# Schema ------------------------------------------------------------------------------


def test_schema_documents_the_referral_api_without_warnings(
    caseworker: User, tmp_path: Path
) -> None:
    GENERATOR_STATS.reset()
    response = _session_client(caseworker).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    assert not GENERATOR_STATS, "drf-spectacular emitted warnings"
    schema = json.loads(response.content)
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/referrals/": {"get", "post"},
        "/api/v1/referrals/{id}/": {"get", "put"},
        "/api/v1/referrals/{id}/withdraw/": {"post"},
        "/api/v1/referrals/{id}/review/": {"post"},
        "/api/v1/referrals/{id}/accept/": {"post"},
        "/api/v1/referrals/{id}/decline/": {"post"},
    }.items():
        assert set(paths[path]) - {"parameters"} == methods, path
        for operation in paths[path].values():
            assert operation["summary"]
            assert {"apiKeyAuth": []} in operation["security"]
    submit = paths["/api/v1/referrals/"]["post"]
    (header,) = [p for p in submit["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key"
    assert {"200", "201", "400", "403", "422", "429"} <= set(submit["responses"])
    assert "Idempotent-Replayed" in submit["responses"]["200"]["headers"]
    assert "Retry-After" in submit["responses"]["429"]["headers"]
    filters = {p["name"] for p in paths["/api/v1/referrals/"]["get"]["parameters"]}
    assert {"status", "urgency", "submitted_after", "submitted_before", "page"} <= filters
    components = schema["components"]
    assert components["securitySchemes"]["apiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": components["securitySchemes"]["apiKeyAuth"]["description"],
    }
    statuses = components["schemas"]["ReferralStatusEnum"]
    assert statuses["enum"] == [status.value for status in ReferralStatus]
    assert all(f"`{status.value}`" in statuses["description"] for status in ReferralStatus)

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
