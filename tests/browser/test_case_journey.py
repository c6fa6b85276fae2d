"""A caseworker registers a mother and two children and takes the case to `ready`;
another case is withdrawn. Screenshots of the list and the case page in French and Arabic."""

from pathlib import Path

from playwright.sync_api import FilePayload, Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from avrr.models import User
from cases.models import Assistance, Case, CaseStatus
from tests.browser.test_roles import sign_in
from tests.factories import person_data, register_case
from tests.fixtures.screen import assert_filters_have_choices, assert_no_cell_overflows

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _fill_person(
    page: Page, index: int, *, relationship: str, given: str, sex: str, born: str
) -> None:
    prefix = f"#id_people-{index}-"
    page.select_option(prefix + "relationship", relationship)
    page.fill(prefix + "family_name", "Kouyaté")
    page.fill(prefix + "given_name", given)
    page.select_option(prefix + "sex", sex)
    page.fill(prefix + "birth_date", born)
    page.select_option(prefix + "nationality", "GN")


def test_caseworker_journey(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    caseworker: User,
    screenshot_dir: Path,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, live_server, caseworker.username)
    page.get_by_role("link", name="Dossiers").first.click()
    page.get_by_test_id("register-case").click()

    _fill_person(page, 0, relationship="principal", given="Mariama", sex="F", born="12/05/1994")
    page.check("input[name=people-0-vulnerabilities][value=single_parent]")
    for index, (given, sex, born) in enumerate(
        [("Ibrahima", "M", "03/02/2017"), ("Aïssatou", "F", "20/11/2020")], start=1
    ):
        page.get_by_role("button", name="Ajouter un membre de la famille").click()
        _fill_person(page, index, relationship="child", given=given, sex=sex, born=born)
    page.get_by_role("button", name="Enregistrer le dossier").click()

    expect(page.get_by_test_id("person")).to_have_count(3)
    case = Case.objects.get()
    assert case.people.filter(relationship="child").count() == 2
    # Typed day first, as shown: not the browser's own order.
    expect(page.get_by_test_id("person").first).to_contain_text("12/05/1994")

    # A food kit for each of the three.
    page.locator("#assistance").get_by_role("link", name="Ajouter").click()
    page.select_option("#id_kind", "food_kit")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("assistance-row")).to_have_count(3)
    assert Assistance.objects.filter(case=case, kind="food_kit").count() == 3

    page.locator("#counselling").get_by_role("link", name="Ajouter").click()
    page.fill("#id_topics", "Projet de retour, réintégration à Conakry")
    page.fill("#id_interpreter_language", "Soussou")
    page.get_by_role("button", name="Enregistrer").click()

    page.get_by_role("button", name="Passer à « En assistance »").click()
    expect(page.get_by_test_id("case-status")).to_have_text("En assistance")
    expect(page.get_by_test_id("missing")).to_contain_text("déclaration de retour volontaire")

    page.locator("#declaration").get_by_role("link", name="Enregistrer").click()
    page.select_option("#id_signatory", label="KOUYATÉ Mariama")
    page.set_input_files(
        "#id_scan",
        files=FilePayload(name="declaration.pdf", mimeType="application/pdf", buffer=PDF),
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("declaration")).to_have_count(1)

    page.get_by_role("button", name="Passer à « Prêt au départ »").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Prêt au départ")
    case.refresh_from_db()
    assert case.status == CaseStatus.READY
    page.screenshot(path=screenshot_dir / "case-page-fr.png", full_page=True)
    page.click("button[name=language][value=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.screenshot(path=screenshot_dir / "case-page-ar.png", full_page=True)
    page.click("button[name=language][value=fr]")

    # A withdrawal on another case: nothing is deleted.
    other = register_case(
        caseworker, person_data(family_name="Traoré", given_name="Moussa", sex="M")
    )
    page.goto(f"{live_server.url}/cases/{other.pk}/")
    page.get_by_role("link", name="Enregistrer un désistement").click()
    page.fill("#id_reason", "Souhaite rester au Maroc pour le moment")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Désisté")
    other.refresh_from_db()
    assert other.status == CaseStatus.WITHDRAWN
    assert other.people.count() == 1

    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_test_id("result-count")).to_have_text("2 dossiers")
    assert_filters_have_choices(page)
    assert_no_cell_overflows(page)
    page.screenshot(path=screenshot_dir / "case-list-fr.png", full_page=True)
    page.click("button[name=language][value=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_cell_overflows(page)
    page.screenshot(path=screenshot_dir / "case-list-ar.png", full_page=True)

    # Choosing a status narrows the list to the cases in it, in place.
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    page.select_option("#id_status", CaseStatus.WITHDRAWN.value)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(other.number)
    page.select_option("#id_status", CaseStatus.READY.value)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(case.number)


def test_known_people_are_shown_while_typing_and_again_on_saving(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    caseworker: User,
    other_office_caseworker: User,
    screenshot_dir: Path,
) -> None:
    known = register_case(caseworker, person_data(travel_document_number="GN7788"))
    register_case(other_office_caseworker, person_data(family_name="Diallo", given_name="Awa"))
    sign_in(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/cases/new/")
    page.select_option("#id_people-0-relationship", "principal")
    page.fill("#id_people-0-travel_document_number", "gn 7788")
    page.locator("#id_people-0-travel_document_number").blur()
    # Before any number is issued: the known person of this office, with their case.
    expect(page.get_by_test_id("known-person")).to_contain_text(known.number)

    # Someone only Oujda knows: the office is named, nothing of the person.
    page.fill("#id_people-0-travel_document_number", "")
    page.fill("#id_people-0-family_name", "diallo")
    page.fill("#id_people-0-given_name", "AWA")
    page.select_option("#id_people-0-nationality", "GN")
    expect(page.get_by_test_id("known-elsewhere")).to_contain_text("Oujda")
    expect(page.get_by_test_id("known-person")).to_have_count(0)
    page.select_option("#id_people-0-sex", "F")
    page.fill("#id_people-0-birth_date", "14/03/1995")
    page.screenshot(path=screenshot_dir / "register-known-people-fr.png", full_page=True)

    # Saving asks to check first; once checked, the case opens.
    page.get_by_role("button", name="Enregistrer le dossier").click()
    expect(page.get_by_test_id("known-people-check")).to_be_visible()
    assert Case.objects.count() == 2
    page.get_by_label("J'ai vérifié").check()
    page.get_by_role("button", name="Enregistrer le dossier").click()
    expect(page.get_by_test_id("known-elsewhere")).to_contain_text("Oujda")
    assert Case.objects.count() == 3
