"""Issue 10's "Done when": three cases (one a mother with two children) booked on one flight
paid by an agreement, laissez-passer issued, PVs recorded, the manifest downloaded as XLSX
and PDF and read back (names, documents, special needs, a no-show struck), departure day
done, all three `departed`; the mission abroad sees them arrive; the referring NGO sees
`departed`. The documents and the agreement are made through the foundation's records."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from avrr.models import Organisation, User
from cases.departure.models import Embassy, LpcRequest, LpcStatus, Movement, Ticket, TicketStatus
from cases.departure.services.documents import lpc_issue, lpc_request
from cases.departure.services.movements import LegData, leg_add
from cases.models import Case, CaseStatus
from cases.referrals.services import ReferredPersonData, referral_accept, referral_submit
from tests.browser.test_roles import sign_in
from tests.cases.departure.movements_helpers import (
    CASABLANCA,
    CONAKRY,
    agreement_with,
    make_ready,
    passports,
    ready_case,
)
from tests.factories import embassies_seed, person_data, referral_data
from tests.fixtures.screen import assert_no_cell_overflows


def _laissez_passer(case: Case, actor: User) -> None:
    """Each person's consular laissez-passer, asked of the embassy of Guinea and issued
    (through the documents part's services; its pages are tests/browser/
    test_documents_journey.py's)."""
    embassies_seed()
    embassy = Embassy.objects.get(country="GN")
    today = datetime.now(CASABLANCA).date()
    for person in case.people.all():
        request = lpc_request(
            actor=actor, person=person, embassy=embassy, requested_on=today - timedelta(days=20)
        )
        lpc_issue(
            actor=actor,
            request=request,
            number=f"LPC-GN-{person.pk:05d}",
            issued_on=today - timedelta(days=2),
            expires_on=today + timedelta(days=60),
        )


def _screens(page: Page, screenshot_dir: Path, name: str) -> None:
    """The page in French then Arabic, at 1280 and 390 px."""
    for language in ("fr", "ar"):
        # The language buttons are in the navigation, folded away on a phone.
        page.set_viewport_size({"width": 1280, "height": 900})
        page.click(f"button[name=language][value={language}]")
        expect(page.locator("html")).to_have_attribute("lang", language)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=screenshot_dir / f"{name}-{language}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("button[name=language][value=fr]")


def test_three_cases_fly_home_together(
    page: Page,
    new_page: Callable[[], Page],
    live_server: LiveServer,
    transactional_db: None,
    caseworker: User,
    ngo_referrer: User,
    office_rabat: Organisation,
    reintegration_officer: User,
    screenshot_dir: Path,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    family = [
        ReferredPersonData(
            family_name="Konaté",
            given_name=given,
            sex=sex,
            nationality="GN",
            relationship=relationship,
            birth_date=born,
            vulnerabilities=["single_parent"] if relationship == "principal" else [],
        )
        for given, sex, relationship, born in (
            ("Aminata", "F", "principal", date(1994, 2, 11)),
            ("Moussa", "M", "child", date(2019, 6, 3)),
            ("Fanta", "F", "child", date(2022, 9, 20)),
        )
    ]
    referral, _ = referral_submit(
        actor=ngo_referrer, data=referral_data(office_rabat, people=family)
    )
    mother_case = make_ready(caseworker, referral_accept(actor=caseworker, referral=referral))
    _laissez_passer(mother_case, caseworker)
    assert {request.status for request in LpcRequest.objects.all()} == {LpcStatus.ISSUED}
    single = ready_case(caseworker, person_data(family_name="Bah", given_name="Alpha", sex="M"))
    widow = ready_case(caseworker, person_data(family_name="Sylla", given_name="Kadiatou"))
    absent = ready_case(caseworker, person_data(family_name="Diallo", given_name="Oumar", sex="M"))
    for case in (single, widow, absent):
        passports(case, caseworker)
    agreement = agreement_with(50)
    agreement.currency = "MAD"
    agreement.save(update_fields=["currency"])

    # The movement, through its pages; the flight leaves this morning.
    sign_in(page, live_server, caseworker.username)
    page.get_by_test_id("navigation").get_by_role("link", name="Départs").click()
    page.get_by_role("link", name="Mouvements", exact=True).click()
    page.get_by_test_id("new-movement").click()
    page.select_option("#id_mode", "air")
    page.select_option("#id_destination_country", "GN")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MV-RBA-")
    movement_url = page.url
    movement = Movement.objects.get()
    today = datetime.now(CASABLANCA).date()
    leg_add(
        actor=caseworker,
        movement=movement,
        data=LegData(
            origin="Casablanca (CMN)",
            destination="Conakry (CKY)",
            carrier="Royal Air Maroc",
            number="AT517",
            departs_at=datetime.combine(today, time(0, 5), CASABLANCA),
            departure_time_zone="Africa/Casablanca",
            arrives_at=datetime.combine(today, time(4, 10), CONAKRY),
            arrival_time_zone="Africa/Conakry",
        ),
    )

    # Four cases booked on it, each whole.
    for case in (mother_case, single, widow, absent):
        page.goto(movement_url)
        page.select_option("#id_case", str(case.pk))
        page.select_option("#id_agreement", str(agreement.pk))
        page.fill("#id_cost", "4200")
        page.select_option("#id_currency", "MAD")
        page.get_by_test_id("book-case").click()
        expect(page.get_by_text("Billets réservés.")).to_be_visible()
    assert Ticket.objects.filter(status=TicketStatus.BOOKED).count() == 6
    agreement.refresh_from_db()
    assert agreement.tickets_reserved == 6

    # The youngest travels in a wheelchair.
    daughter = Ticket.objects.get(person__given_name="Fanta")
    page.goto(f"{live_server.url}/departure/tickets/{daughter.pk}/")
    page.check("input[name=special_needs][value=wheelchair]")
    page.fill("#id_number", "147-1234567890")
    page.get_by_role("button", name="Enregistrer").click()

    # Each traveller's PV.
    for ticket in Ticket.objects.filter(status=TicketStatus.BOOKED).order_by("pk"):
        page.goto(f"{live_server.url}/departure/tickets/{ticket.pk}/exit-authorisation/")
        page.fill("#id_pv_number", f"PV-{ticket.pk}")
        page.fill("#id_police_station", "Commissariat Hay Riad")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("Autorisation de sortie enregistrée.")).to_be_visible()
    assert_no_cell_overflows(page)
    _screens(page, screenshot_dir, "departure-movement")

    # Departure day: Oumar Diallo does not come; the others go through, step by step.
    page.goto(f"{movement_url}day/")
    no_show = Ticket.objects.get(person__given_name="Oumar")
    page.locator(f"#ticket-{no_show.pk}").get_by_test_id("no-show").click()
    page.fill("#id_reason", "Absent à l'aéroport")
    page.get_by_role("button", name="Enregistrer").click()
    for ticket in Ticket.objects.filter(status=TicketStatus.BOOKED).order_by("pk"):
        card = page.locator(f"#ticket-{ticket.pk}")
        card.get_by_label("Accompagné·e à l'aéroport par").fill("Salma (OIM)")
        for label in (
            "Bagages enregistrés, carte d'embarquement",
            "Change effectué",
            "Reçu du pécule signé",
            "Documents de réintégration signés",
            "Poste frontière passé",
        ):
            card.get_by_label(label).check()
        card.get_by_test_id("save-check").click()
        expect(page.get_by_text("Jour du départ de")).to_be_visible()
    _screens(page, screenshot_dir, "departure-day")

    # The manifest, read back.
    page.goto(movement_url)
    with page.expect_download() as download:
        page.get_by_test_id("manifest-xlsx").click()
    sheet = load_workbook(BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4) if row[0].value}
    assert set(rows) == {
        "KONATÉ Aminata",
        "KONATÉ Moussa",
        "KONATÉ Fanta",
        "BAH Alpha",
        "SYLLA Kadiatou",
        "DIALLO Oumar",
    }
    assert rows["KONATÉ Fanta"][4].value == "Laissez-passer consulaire"
    assert str(rows["KONATÉ Fanta"][5].value).startswith("LPC-GN-")
    assert rows["KONATÉ Fanta"][8].value == "Fauteuil roulant"
    assert rows["DIALLO Oumar"][10].value == "Non présenté"
    assert all(cell.font.strike for cell in rows["DIALLO Oumar"])
    with page.expect_download() as download:
        page.get_by_test_id("manifest-pdf").click()
    reader = PdfReader(BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(page_.extract_text() for page_ in reader.pages).split())
    for expected in ("KONATÉ Fanta", "SYLLA Kadiatou", "Fauteuil roulant", "Non présenté"):
        assert expected in text

    # All three depart.
    for case in (mother_case, single, widow):
        page.goto(movement_url)
        page.locator("[data-testid=case-group]", has_text=case.number).get_by_test_id(
            "case-depart"
        ).click()
        expect(page.get_by_text(f"Dossier {case.number} parti.")).to_be_visible()
    for case in (mother_case, single, widow):
        assert Case.objects.get(pk=case.pk).status == CaseStatus.DEPARTED
    assert Case.objects.get(pk=absent.pk).status == CaseStatus.READY

    # The mission in Guinea sees them arrive, at Conakry's time.
    mission = new_page()
    sign_in(mission, live_server, reintegration_officer.username)
    expect(mission.get_by_test_id("panel-arrivals").get_by_test_id("arrival-row")).to_have_count(5)
    mission.get_by_role("link", name="Arrivées attendues").click()
    expect(mission.get_by_test_id("arrival-row")).to_have_count(5)
    expect(mission.get_by_text("Fauteuil roulant")).to_be_visible()
    assert "DIALLO" not in mission.content()
    assert_no_cell_overflows(mission)
    _screens(mission, screenshot_dir, "departure-arrivals")

    # The referring NGO sees its referral `departed`.
    ngo = new_page()
    sign_in(ngo, live_server, ngo_referrer.username)
    ngo.goto(f"{live_server.url}/referrals/")
    expect(ngo.get_by_test_id("referral-status")).to_have_text("Parti")
