"""The referral panels of the home page: a supervisor's triage inbox, and a referring NGO's
referrals waiting for IOM or recently answered, with their status as the NGO sees it.
Nothing of another office or organisation shows; the query counts are pinned."""

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from avrr.models import Organisation, User
from avrr.roles import Role
from cases.models import Case, CaseStatus
from cases.referrals.models import Referral, ReferralStatus
from cases.referrals.services import (
    referral_accept,
    referral_decline,
    referral_review_start,
    referral_submit,
)
from tests.factories import UserFactory, referral_data


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def other_ngo_referrer(other_ngo: Organisation) -> User:
    return UserFactory.create(username="ngo2", role=Role.NGO_REFERRER, organisation=other_ngo)


def submit(referrer: User, office: Organisation, **overrides: Any) -> Referral:
    referral, _created = referral_submit(actor=referrer, data=referral_data(office, **overrides))
    return referral


def changed_days_ago(referral: Referral, days: int) -> None:
    Referral.objects.filter(pk=referral.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days)
    )


def home_page(client: Client, user: User) -> tuple[str, dict[str, Mapping[str, Any]]]:
    """The page's HTML, and each panel's context by its template."""
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    panels = {panel.template: panel.context for panel in response.context["panels"]}
    return response.content.decode(), panels


def references(referrals: list[Referral]) -> list[str]:
    return [referral.reference for referral in referrals]


@pytest.fixture
def office_referrals(
    ngo_referrer: User,
    other_ngo_referrer: User,
    office_rabat: Organisation,
    office_oujda: Organisation,
    supervisor: User,
) -> dict[str, Referral]:
    referrals = {
        "submitted": submit(ngo_referrer, office_rabat, urgency=0),
        "urgent": submit(other_ngo_referrer, office_rabat, urgency=2),
        "under_review": submit(ngo_referrer, office_rabat, urgency=0),
        "accepted": submit(ngo_referrer, office_rabat),
        "oujda": submit(ngo_referrer, office_oujda),
    }
    referral_review_start(actor=supervisor, referral=referrals["under_review"])
    referral_accept(actor=supervisor, referral=referrals["accepted"])
    for referral in referrals.values():
        referral.refresh_from_db()
    return referrals


# Supervisor ---------------------------------------------------------------------------


def test_supervisor_triages_the_office_referrals_most_urgent_then_oldest_first(
    client: Client, supervisor: User, office_referrals: dict[str, Referral]
) -> None:
    page, panels = home_page(client, supervisor)
    assert references(panels["referrals/home/triage.html"]["referrals"]) == [
        office_referrals["urgent"].reference,
        office_referrals["submitted"].reference,
        office_referrals["under_review"].reference,
    ]
    assert reverse("referrals:detail", args=[office_referrals["urgent"].pk]) in page
    assert "ONG Deux" in page
    assert office_referrals["accepted"].reference not in page
    assert office_referrals["oujda"].reference not in page
    assert list(panels) == [
        "referrals/home/triage.html",
        "cases/home/overdue.html",
        "cases/home/team.html",
        "cases/home/worklist.html",
        "departure/funding/home/funding.html",
    ]


def test_supervisor_with_nothing_to_triage_is_told_so(client: Client, supervisor: User) -> None:
    page, _panels = home_page(client, supervisor)
    assert "Aucun référencement n'attend de réponse." in page


def test_caseworker_has_no_triage_inbox(
    client: Client, caseworker: User, office_referrals: dict[str, Referral]
) -> None:
    page, panels = home_page(client, caseworker)
    assert "referrals/home/triage.html" not in panels
    assert office_referrals["submitted"].reference not in page


# NGO referrer -------------------------------------------------------------------------


def test_ngo_sees_what_waits_for_iom_and_what_changed_recently(
    client: Client,
    ngo_referrer: User,
    supervisor: User,
    office_referrals: dict[str, Referral],
    office_rabat: Organisation,
) -> None:
    declined_long_ago = submit(ngo_referrer, office_rabat)
    referral_decline(actor=supervisor, referral=declined_long_ago, reason="Hors programme.")
    changed_days_ago(declined_long_ago, 31)
    declined = submit(ngo_referrer, office_rabat)
    referral_decline(actor=supervisor, referral=declined, reason="Hors programme.")
    changed_days_ago(declined, 29)
    page, panels = home_page(client, ngo_referrer)
    panel = panels["referrals/home/referrer.html"]
    # The most urgent, then the oldest first.
    assert references(panel["awaiting"]) == [
        office_referrals["oujda"].reference,
        office_referrals["submitted"].reference,
        office_referrals["under_review"].reference,
    ]
    assert [
        (referral.reference, referral.status_shown_label) for referral in panel["answered"]
    ] == [
        (office_referrals["accepted"].reference, "Accepté"),
        (declined.reference, "Refusé"),
    ]
    assert "En cours d&#x27;examen" in page
    assert declined_long_ago.reference not in page
    # Another organisation's referral, and the case IOM opened, are not the NGO's to see.
    assert office_referrals["urgent"].reference not in page
    case = office_referrals["accepted"].case
    assert case is not None
    assert case.number not in page
    assert 'data-testid="home-new-referral"' in page
    assert reverse("referrals:new") in page


def test_ngo_is_shown_departed_once_the_case_has_left(
    client: Client, ngo_referrer: User, office_referrals: dict[str, Referral]
) -> None:
    case = office_referrals["accepted"].case
    assert case is not None
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DEPARTED)
    _page, panels = home_page(client, ngo_referrer)
    answered = panels["referrals/home/referrer.html"]["answered"]
    assert [referral.status_shown_label for referral in answered] == [
        str(ReferralStatus.DEPARTED.label)
    ]


def test_ngo_with_no_referral_is_told_so_and_can_refer(client: Client, ngo_referrer: User) -> None:
    page, panels = home_page(client, ngo_referrer)
    assert list(panels) == ["referrals/home/referrer.html"]
    assert "Aucun référencement n'attend de réponse de l'OIM." in page
    assert "Aucun changement de statut sur cette période." in page
    assert reverse("referrals:new") in page


# Query counts -------------------------------------------------------------------------

# Pinned: a change here is a decision. Each includes reading the session and the user, their
# second factor (the device that verified the session, or whether they have one), and saving
# the session (savepoint, update, release): 6.
HOME_QUERIES = {
    "ngo_referrer": 8,  # + referrals waiting for IOM, referrals answered lately
    # + other offices' link requests (none), referrals to triage, overdue cases (none, so no
    # principals), team, work list (none), agreements nearly spent, the waiting list's head
    # (none, so no principals) and its people
    "supervisor": 14,
}


def count_home_queries(client: Client, user: User) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def add_referrals(referrer: User, office: Organisation, supervisor: User, count: int) -> None:
    """Referrals waiting for IOM, and others answered lately."""
    for index in range(count):
        referral = submit(referrer, office, urgency=index % 3)
        if index % 2:
            referral_decline(actor=supervisor, referral=referral, reason="Hors programme.")


@pytest.mark.parametrize("role_fixture", list(HOME_QUERIES))
def test_home_query_count_is_the_same_for_5_and_50_referrals(
    client: Client,
    ngo_referrer: User,
    supervisor: User,
    office_rabat: Organisation,
    role_fixture: str,
    request: pytest.FixtureRequest,
) -> None:
    user = request.getfixturevalue(role_fixture)
    add_referrals(ngo_referrer, office_rabat, supervisor, 5)
    five = count_home_queries(client, user)
    add_referrals(ngo_referrer, office_rabat, supervisor, 45)
    assert count_home_queries(client, user) == five == HOME_QUERIES[role_fixture]
