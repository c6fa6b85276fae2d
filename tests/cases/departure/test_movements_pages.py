"""The movement pages: who sees them, what they do, the manifest read back, and their query
counts (the same for 1 row and for 50)."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from pytest_django import Settings

from avrr.models import AuditEvent, Organisation, User
from avrr.roles import Role
from cases.departure.manifest import manifest_pdf
from cases.departure.models import (
    FundingAgreement,
    Movement,
    MovementStatus,
    Ticket,
    TicketStatus,
)
from cases.departure.selectors.movements import manifest_rows
from cases.departure.services.movements import (
    TravellerData,
    case_book,
    ticket_no_show,
    ticket_update,
)
from cases.models import Case, CaseStatus
from cases.services import PersonData
from tests.cases.departure.movements_helpers import agreement_with, flight, passports, ready_case
from tests.factories import UserFactory, child_data, person_data

# Each signed-in request: session, user, second factor (6 queries).
SIGNED_IN = 6


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def agreement(db: None) -> FundingAgreement:
    return agreement_with(200)


def booked_case(
    actor: User, movement: Movement, agreement: FundingAgreement, *people: PersonData
) -> Case:
    case = ready_case(actor, *(people or [person_data()]))
    passports(case, actor)
    case_book(
        actor=actor,
        movement=movement,
        case=case,
        agreement=agreement,
        cost=Decimal(300),
        currency="EUR",
    )
    return case


@pytest.fixture
def movement(caseworker: User, agreement: FundingAgreement) -> Movement:
    """A mother and her son (in a wheelchair), and a man who will not show up."""
    movement = flight(caseworker)
    family = booked_case(caseworker, movement, agreement, person_data(), child_data())
    son = Ticket.objects.get(case=family, person__relationship="child")
    ticket_update(
        actor=caseworker,
        ticket=son,
        traveller=TravellerData(special_needs=["wheelchair"], number="147-2233445566"),
    )
    single = booked_case(
        caseworker,
        movement,
        agreement,
        person_data(family_name="Sow", given_name="Alpha", sex="M", vulnerabilities=[]),
    )
    ticket_no_show(
        actor=caseworker, ticket=Ticket.objects.get(case=single), reason="Absent à l'aéroport"
    )
    return movement


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Access -------------------------------------------------------------------------------


def test_the_pages_show_to_the_office(client: Client, caseworker: User, movement: Movement) -> None:
    client.force_login(caseworker)
    for url in (
        reverse("departure:movements"),
        reverse("departure:movement", args=[movement.pk]),
        reverse("departure:day", args=[movement.pk]),
        reverse("departure:board"),
        reverse("departure:blocked"),
        reverse("departure:leg_add", args=[movement.pk]),
        reverse("departure:movement_new"),
    ):
        assert client.get(url).status_code == 200, url


def test_another_office_gets_404(
    client: Client, other_office_caseworker: User, movement: Movement
) -> None:
    client.force_login(other_office_caseworker)
    ticket = movement.tickets.first()
    assert ticket is not None
    for url in (
        reverse("departure:movement", args=[movement.pk]),
        reverse("departure:day", args=[movement.pk]),
        reverse("departure:manifest_pdf", args=[movement.pk]),
        reverse("departure:exit_authorisation", args=[ticket.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_ministry_sees_no_movement(
    client: Client, ministry_focal_point: User, movement: Movement
) -> None:
    client.force_login(ministry_focal_point)
    assert client.get(reverse("departure:movements")).status_code == 403
    assert client.get(reverse("departure:movement", args=[movement.pk])).status_code == 404


# Manifest -----------------------------------------------------------------------------


def test_the_xlsx_manifest_lists_the_travellers_and_strikes_the_no_show(
    client: Client, caseworker: User, movement: Movement
) -> None:
    client.force_login(caseworker)
    response = client.get(reverse("departure:manifest_xlsx", args=[movement.pk]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = [row for row in sheet.iter_rows(min_row=4) if row[0].value]
    by_name = {row[0].value: row for row in rows}
    assert set(by_name) == {"CAMARA Mariama", "CAMARA Ibrahima", "SOW Alpha"}
    son = by_name["CAMARA Ibrahima"]
    person = Ticket.objects.get(person__given_name="Ibrahima").person
    assert son[4].value == "Passeport"
    assert son[5].value == f"P{person.pk:07d}"
    assert son[7].value == "147-2233445566"
    assert son[8].value == "Fauteuil roulant"
    no_show = by_name["SOW Alpha"]
    assert no_show[10].value == "Non présenté"
    assert all(cell.font.strike for cell in no_show)
    assert not any(cell.font.strike for cell in son)
    assert AuditEvent.objects.filter(
        action="movement.manifest", target_id=str(movement.pk)
    ).exists()


def test_the_pdf_manifest_lists_the_travellers_and_strikes_the_no_show(
    client: Client, caseworker: User, movement: Movement
) -> None:
    client.force_login(caseworker)
    response = client.get(reverse("departure:manifest_pdf", args=[movement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in ("CAMARA Mariama", "CAMARA Ibrahima", "SOW Alpha", "Fauteuil roulant"):
        assert expected in text
    person = Ticket.objects.get(person__given_name="Ibrahima").person
    assert f"P{person.pk:07d}" in text
    # The no-show's row is said in words, and struck through: a line over each of its
    # texts, which the same manifest without the no-show does not have.
    assert "SOW Alpha Homme 14/03/1995 Guinée Passeport" in text
    assert "Non présenté" in text
    rows = manifest_rows(movement)
    unstruck = manifest_pdf(movement, [replace(row, no_show=False) for row in rows])
    assert _stroked_lines(response.content) > _stroked_lines(unstruck)


def _stroked_lines(pdf: bytes) -> int:
    """Lines drawn (WeasyPrint strikes a text through with a line from `m` to `l`)."""
    page = PdfReader(BytesIO(pdf)).pages[0]
    content = page.get_contents()
    assert content is not None
    return content.get_data().count(b" l\nS")


# Actions ------------------------------------------------------------------------------


def test_recording_the_exit_authorisation_from_the_page(
    client: Client, caseworker: User, movement: Movement
) -> None:
    client.force_login(caseworker)
    ticket = Ticket.objects.get(person__given_name="Mariama")
    url = reverse("departure:exit_authorisation", args=[ticket.pk])
    response = client.post(
        url,
        {
            "pv_number": "PV-2026-114",
            "issued_on": timezone.localdate().strftime("%d/%m/%Y"),
            "police_station": "Commissariat Hay Riad",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.exit_authorisation.pv_number == "PV-2026-114"


def test_the_departure_day_page_records_a_traveller(
    client: Client, caseworker: User, movement: Movement
) -> None:
    client.force_login(caseworker)
    ticket = Ticket.objects.get(person__given_name="Mariama")
    prefix = f"t{ticket.pk}"
    response = client.post(
        reverse("departure:day", args=[movement.pk]),
        {
            "ticket": ticket.pk,
            f"{prefix}-escorted_by": "Salma",
            f"{prefix}-baggage_checked_in": "on",
            f"{prefix}-per_diem_amount": "100",
            f"{prefix}-per_diem_currency": "USD",
            f"{prefix}-per_diem_receipt_signed": "on",
        },
    )
    assert response.status_code == 302
    check = Ticket.objects.get(pk=ticket.pk).departure_check
    assert check.baggage_checked_in
    assert check.per_diem_receipt_signed
    assert check.per_diem_amount == Decimal(100)


def test_the_departure_day_offers_the_default_per_diem(
    client: Client, caseworker: User, movement: Movement
) -> None:
    client.force_login(caseworker)
    ticket = Ticket.objects.get(person__given_name="Mariama")
    page = client.get(reverse("departure:day", args=[movement.pk])).content.decode()
    assert f'name="t{ticket.pk}-per_diem_amount" value="100"' in page


def test_departing_with_something_missing_says_what(
    client: Client, caseworker: User, movement: Movement
) -> None:
    client.force_login(caseworker)
    family = Ticket.objects.get(person__given_name="Mariama").case
    response = client.post(
        reverse("departure:case_depart", args=[movement.pk, family.pk]), follow=True
    )
    assert "Sans autorisation de sortie (PV de police)" in response.content.decode()
    assert Case.objects.get(pk=family.pk).status == CaseStatus.READY


def test_what_blocks_my_cases_lists_the_guards_messages(
    client: Client, caseworker: User, movement: Movement
) -> None:
    client.force_login(caseworker)
    page = client.get(reverse("departure:blocked")).content.decode()
    assert "Sans autorisation de sortie (PV de police) : CAMARA Mariama, CAMARA Ibrahima." in page
    # The no-show's case: no ticket any more.
    assert "Sans billet : SOW Alpha." in page


# The mission of the country of return -------------------------------------------------


def test_the_mission_sees_its_expected_arrivals_and_nothing_more(
    client: Client, reintegration_officer: User, movement: Movement, caseworker: User
) -> None:
    client.force_login(reintegration_officer)
    page = client.get(reverse("departure:arrivals")).content.decode()
    assert "CAMARA Mariama" in page
    assert "CAMARA Ibrahima" in page
    assert "Fauteuil roulant" in page
    assert "AT517" in page
    # 11:30 in Conakry, as the clocks there show it.
    assert "11:30 (Africa/Conakry)" in page
    # A no-show is not coming.
    assert "SOW Alpha" not in page
    # Nothing of the case beyond who and when: no vulnerability, no note.
    assert "Parent isolé" not in page
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="panel-arrivals"' in home
    assert "CAMARA Mariama" in home


def test_another_countrys_mission_sees_nothing(
    client: Client, movement: Movement, db: None
) -> None:
    mali = Organisation.objects.create(
        name="Mission OIM Mali", code="MLI", kind=Organisation.Kind.IOM_MISSION, country="ML"
    )
    officer = UserFactory.create(
        username="reintegration.mali", role=Role.REINTEGRATION_OFFICER, organisation=mali
    )
    client.force_login(officer)
    page = client.get(reverse("departure:arrivals")).content.decode()
    assert "CAMARA" not in page
    assert client.get(reverse("departure:movement", args=[movement.pk])).status_code == 404
    assert client.get(reverse("departure:manifest_xlsx", args=[movement.pk])).status_code == 404


def test_a_caseworker_sees_no_expected_arrivals(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    assert client.get(reverse("departure:arrivals")).status_code == 403


# Query counts -------------------------------------------------------------------------

LIST_QUERIES = SIGNED_IN + 2  # count, movements
DETAIL_QUERIES = SIGNED_IN + 7  # movement, legs, tickets, documents, cases (form), their
# people, agreements
DAY_QUERIES = SIGNED_IN + 4
BOARD_QUERIES = SIGNED_IN + 4
BLOCKED_QUERIES = SIGNED_IN + 7  # cases, declarations, people, vulnerabilities, documents,
# tickets, legs
ARRIVALS_QUERIES = SIGNED_IN + 2


def _more_travellers(caseworker: User, movement: Movement, agreement: FundingAgreement) -> None:
    for index in range(49):
        booked_case(
            caseworker,
            movement,
            agreement,
            person_data(given_name=f"Voyageur{index}", family_name="Bah", vulnerabilities=[]),
        )


def test_movement_page_queries_are_the_same_for_1_and_50_travellers(
    client: Client, caseworker: User, agreement: FundingAgreement
) -> None:
    client.force_login(caseworker)
    movement = flight(caseworker)
    booked_case(caseworker, movement, agreement)
    urls = {name: reverse(f"departure:{name}", args=[movement.pk]) for name in ("movement", "day")}
    one = {name: _count(client, url) for name, url in urls.items()}
    _more_travellers(caseworker, movement, agreement)
    fifty = {name: _count(client, url) for name, url in urls.items()}
    assert one == fifty == {"movement": DETAIL_QUERIES, "day": DAY_QUERIES}


def test_lists_queries_are_the_same_for_1_and_50_rows(
    client: Client, caseworker: User, reintegration_officer: User, agreement: FundingAgreement
) -> None:
    movement = flight(caseworker)
    booked_case(caseworker, movement, agreement)
    staff_urls = [
        reverse("departure:movements"),
        reverse("departure:board"),
        reverse("departure:blocked"),
    ]
    arrivals = reverse("departure:arrivals")

    def counts() -> list[int]:
        client.force_login(caseworker)
        staff = [_count(client, url) for url in staff_urls]
        client.force_login(reintegration_officer)
        return [*staff, _count(client, arrivals)]

    one = counts()
    for index in range(49):
        other = flight(caseworker, day=timezone.localdate() + timedelta(days=index % 5))
        booked_case(
            caseworker,
            other,
            agreement,
            person_data(given_name=f"Voyageur{index}", family_name="Bah", vulnerabilities=[]),
        )
    assert counts() == one == [LIST_QUERIES, BOARD_QUERIES, BLOCKED_QUERIES, ARRIVALS_QUERIES]
    assert Ticket.objects.filter(status=TicketStatus.BOOKED).count() == 50


def test_cancelling_a_movement_from_its_page(
    client: Client, caseworker: User, movement: Movement
) -> None:
    client.force_login(caseworker)
    detail = client.get(reverse("departure:movement", args=[movement.pk])).content.decode()
    url = reverse("departure:movement_cancel", args=[movement.pk])
    assert url in detail
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    movement.refresh_from_db()
    assert movement.status == MovementStatus.PLANNED
    assert client.post(url, {"reason": "Vol supprimé"}).status_code == 302
    movement.refresh_from_db()
    assert movement.status == MovementStatus.CANCELLED
    assert not Ticket.objects.filter(movement=movement, status=TicketStatus.BOOKED).exists()
