"""Funding pages: the agreements, a funds page and its amendments, the waiting list, the
supervisor's home panel; who sees them; query counts pinned for 1 and 50 rows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from avrr.models import Organisation, User
from cases.departure.models import FundingAgreement
from cases.models import Case, CaseStatus, Priority
from tests.cases.departure.funding import agreement, staged_case

pytestmark = pytest.mark.django_db

# Each signed-in request costs 6 queries (session, user, second factor).
AGREEMENTS_QUERIES = 7  # + agreements with their funder
FUNDS_QUERIES = 13  # + agreement, pending, pace, waiting people, next waiting (2), amendments
WAITING_QUERIES = 11  # + count, cases, principals, waiting people, ready cases to add


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_staff_see_agreements_with_what_is_left_and_its_currency(
    client: Client, caseworker: User, ministry: Organisation
) -> None:
    agreement(ministry, reference="MI-2026", ticket_quota=100, tickets_reserved=40)
    agreement(
        ministry,
        reference="OIM-USD",
        ticket_quota=None,
        budget=Decimal("12500.50"),
        budget_reserved=Decimal("500.50"),
        currency="USD",
    )
    client.force_login(caseworker)
    response = client.get(reverse("departure:agreements"))
    html = response.content.decode()
    assert "60 / 100" in html
    assert "12 000,00 USD" in html.replace("\u202f", " ").replace("\xa0", " ")
    assert 'data-testid="new-agreement"' not in html


@pytest.mark.parametrize(
    "persona_name", ["ngo_referrer", "ministry_focal_point", "reintegration_officer"]
)
def test_outsiders_see_no_funding_page(
    client: Client, request: pytest.FixtureRequest, persona_name: str, ministry: Organisation
) -> None:
    funds = agreement(ministry)
    client.force_login(request.getfixturevalue(persona_name))
    for url in (
        reverse("departure:agreements"),
        reverse("departure:agreement", args=[funds.pk]),
        reverse("departure:waiting_list"),
    ):
        assert client.get(url).status_code in (403, 404)


def test_a_supervisor_creates_an_agreement_from_the_page(
    client: Client, supervisor: User, ministry: Organisation
) -> None:
    client.force_login(supervisor)
    response = client.post(
        reverse("departure:agreement_new"),
        {
            "funder": ministry.pk,
            "reference": "MI-2027",
            "title": "Billets 2027",
            "covers": "tickets",
            "ticket_quota": "300",
            "budget": "",
            "currency": "MAD",
            "valid_from": "01/01/2027",
            "valid_until": "",
        },
    )
    created = FundingAgreement.objects.get(reference="MI-2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("departure:agreement", args=[created.pk])


def test_a_caseworker_cannot_open_the_new_agreement_page(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    assert client.get(reverse("departure:agreement_new")).status_code == 403


def test_an_amendment_shows_who_is_next(
    client: Client, supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    funds = agreement(ministry, ticket_quota=10, tickets_reserved=10)
    staged_case(caseworker, CaseStatus.WAITING_FUNDS, ready_on=date(2026, 1, 1), name="Awa")
    head = staged_case(
        caseworker,
        CaseStatus.WAITING_FUNDS,
        ready_on=date(2026, 1, 9),
        priority=Priority.URGENT,
        children=2,
        name="Binta",
    )
    client.force_login(supervisor)
    response = client.post(
        reverse("departure:amendment_add", args=[funds.pk]),
        {
            "reference": "Avenant 1",
            "signed_on": timezone.localdate().strftime("%d/%m/%Y"),
            "added_tickets": "1000",
            "added_budget": "0",
            "currency": "MAD",
        },
        follow=True,
    )
    html = response.content.decode()
    assert f"Prochain sur la liste d&#x27;attente : {head.number} (3 personnes)." in html
    stored = FundingAgreement.objects.get(pk=funds.pk)
    assert stored.ticket_quota == 1010
    # Nothing is booked by itself: the cases still wait until someone books them.
    assert Case.objects.get(pk=head.pk).status == CaseStatus.WAITING_FUNDS


def test_an_amendment_in_the_wrong_currency_is_shown_on_the_form(
    client: Client, supervisor: User, ministry: Organisation
) -> None:
    funds = agreement(ministry, ticket_quota=None, budget=Decimal(100), currency="USD")
    client.force_login(supervisor)
    response = client.post(
        reverse("departure:amendment_add", args=[funds.pk]),
        {
            "reference": "A",
            "signed_on": "01/01/2026",
            "added_tickets": "0",
            "added_budget": "50",
            "currency": "MAD",
        },
    )
    assert response.status_code == 200
    assert "est en USD" in response.content.decode()
    assert FundingAgreement.objects.get(pk=funds.pk).budget == Decimal(100)


def test_a_caseworker_adds_no_amendment(
    client: Client, caseworker: User, ministry: Organisation
) -> None:
    funds = agreement(ministry)
    client.force_login(caseworker)
    response = client.post(reverse("departure:amendment_add", args=[funds.pk]), {})
    assert response.status_code == 403


def test_the_waiting_list_page_is_the_office_s_in_order(
    client: Client, caseworker: User, other_office_caseworker: User
) -> None:
    later = staged_case(caseworker, CaseStatus.WAITING_FUNDS, ready_on=date(2026, 1, 9))
    first = staged_case(
        caseworker, CaseStatus.WAITING_FUNDS, ready_on=date(2026, 1, 10), vulnerable=True, name="V"
    )
    elsewhere = staged_case(other_office_caseworker, CaseStatus.WAITING_FUNDS, name="Oujda")
    client.force_login(caseworker)
    response = client.get(reverse("departure:waiting_list"))
    assert list(response.context["page"]) == [first, later]
    html = response.content.decode()
    assert elsewhere.number not in html
    assert "2 personnes attendent un financement." in html


def test_a_case_goes_on_the_waiting_list_from_the_page(
    client: Client, caseworker: User, ministry: Organisation
) -> None:
    case = staged_case(caseworker, CaseStatus.READY)
    agreement(ministry, ticket_quota=5, tickets_reserved=5)
    client.force_login(caseworker)
    response = client.post(
        reverse("departure:waiting_list_add"),
        {"case": case.pk, "ticket_cost": "2500", "currency": "MAD"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.WAITING_FUNDS


def test_the_funds_page_shows_the_figures(
    client: Client, supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    funds = agreement(ministry, ticket_quota=100, tickets_reserved=100, budget=Decimal(1000))
    staged_case(caseworker, CaseStatus.WAITING_FUNDS, children=1)
    client.force_login(supervisor)
    response = client.get(reverse("departure:agreement", args=[funds.pk]))
    figures = response.context["funds"]
    assert (figures.tickets_used, figures.tickets_left, figures.waiting_people) == (100, 0, 2)
    assert 'data-testid="amendment-form"' in response.content.decode()


def test_the_supervisor_home_shows_nearly_spent_agreements_and_the_head(
    client: Client, supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    agreement(ministry, reference="NEARLY", ticket_quota=100, tickets_reserved=95)
    head = staged_case(caseworker, CaseStatus.WAITING_FUNDS, priority=Priority.URGENT)
    client.force_login(supervisor)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="panel-funding"' in html
    assert "NEARLY" in html
    assert head.number in html
    client.force_login(caseworker)
    assert 'data-testid="panel-funding"' not in client.get(reverse("home")).content.decode()


# Query counts -------------------------------------------------------------------------


def test_agreements_query_count_is_the_same_for_1_and_50(
    client: Client, caseworker: User, ministry: Organisation
) -> None:
    client.force_login(caseworker)
    agreement(ministry, reference="A-0")
    url = reverse("departure:agreements")
    one = _count_queries(client, url)
    for n in range(1, 50):
        agreement(ministry, reference=f"A-{n}")
    assert _count_queries(client, url) == one == AGREEMENTS_QUERIES


def test_funds_page_query_count_is_the_same_for_1_and_50(
    client: Client, supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    from cases.departure.models import FundingAmendment

    funds = agreement(ministry)
    staged_case(caseworker, CaseStatus.WAITING_FUNDS)
    client.force_login(supervisor)
    url = reverse("departure:agreement", args=[funds.pk])

    def amend(n: int) -> None:
        FundingAmendment.objects.create(
            agreement=funds,
            reference=f"AV-{n}",
            signed_on=date(2020, 1, 1) + timedelta(days=n),
            added_tickets=10,
            recorded_by=supervisor,
        )

    amend(0)
    one = _count_queries(client, url)
    for n in range(1, 50):
        amend(n)
    assert _count_queries(client, url) == one == FUNDS_QUERIES


def test_waiting_list_query_count_is_the_same_for_1_and_50(
    client: Client, supervisor: User, caseworker: User
) -> None:
    staged_case(caseworker, CaseStatus.WAITING_FUNDS, name="Cas0")
    client.force_login(supervisor)
    url = reverse("departure:waiting_list")
    one = _count_queries(client, url)
    for n in range(1, 50):
        staged_case(caseworker, CaseStatus.WAITING_FUNDS, name=f"Cas{n}")
    assert _count_queries(client, url) == one == WAITING_QUERIES
