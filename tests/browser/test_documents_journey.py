"""A caseworker records a mother's passport and asks her son's laissez-passer from the case
page, finds the late requests on the follow-up list and downloads the request letter to the
embassy, read back from its PDF. Screenshots in French and Arabic, at 1280 and 390 px."""

import io
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from avrr.models import User
from cases.departure.models import Embassy, LpcRequest, LpcStatus
from cases.departure.services.documents import lpc_request
from cases.models import Case, CaseStatus
from tests.browser.test_roles import sign_in
from tests.factories import child_data, embassies_seed, person_data, register_case
from tests.fixtures.screen import assert_no_cell_overflows


def _screenshots(page: Page, directory: Path, name: str) -> None:
    """The page in French then Arabic, at 1280 and 390 px wide; back to French."""
    for language in ("fr", "ar"):
        # The language buttons are in the navigation bar, folded away on a phone.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.click(f"button[name=language][value={language}]")
        expect(page.locator("html")).to_have_attribute("lang", language)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 800})
            assert_no_cell_overflows(page)
            page.screenshot(path=directory / f"{name}-{language}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("button[name=language][value=fr]")


def test_travel_documents_journey(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    caseworker: User,
    screenshot_dir: Path,
) -> None:
    today = timezone.localdate()
    embassies_seed()
    case = register_case(caseworker, person_data(), child_data())
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.READY)
    guinea = Embassy.objects.get(country="GN", city="Rabat")
    late = register_case(caseworker, person_data(family_name="Sylla", given_name="Fanta"))
    lpc_request(
        actor=caseworker,
        person=late.people.get(),
        embassy=guinea,
        requested_on=today - timedelta(days=30),
    )

    sign_in(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    section = page.get_by_test_id("travel-documents")
    section.get_by_role("link", name="Ajouter un passeport").click()
    page.select_option("#id_person", label="CAMARA Mariama")
    page.fill("#id_number", "GN0012345")
    page.select_option("#id_issuing_country", "GN")
    page.fill("#id_expires_on", (today + timedelta(days=700)).strftime("%d/%m/%Y"))
    page.check("#id_copy_held")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("travel-document")).to_contain_text("GN0012345")

    section.get_by_role("link", name="Demander un laissez-passer").click()
    page.select_option("#id_person", label="CAMARA Ibrahima")
    page.select_option("#id_embassy", str(guinea.pk))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("lpc-request")).to_contain_text("Demandé")
    page.get_by_test_id("lpc-request").get_by_role("link", name="Entretien").click()
    page.fill("#id_interview_on", (today + timedelta(days=3)).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("lpc-request")).to_contain_text("Entretien prévu")
    assert LpcRequest.objects.get(person__case=case).status == LpcStatus.INTERVIEW
    section.scroll_into_view_if_needed()
    _screenshots(page, screenshot_dir, "travel-documents-case")

    page.get_by_test_id("navigation").get_by_role("link", name="Départs").click()
    page.get_by_role("link", name="Laissez-passer", exact=True).click()
    expect(page.get_by_test_id("follow-up-request")).to_have_count(1)
    expect(page.get_by_test_id("follow-up-request")).to_contain_text("SYLLA Fanta")
    _screenshots(page, screenshot_dir, "lpc-follow-up")

    page.get_by_role("link", name="Lettre de demande à une ambassade").click()
    page.select_option("#id_embassy", str(guinea.pk))
    page.get_by_role("button", name="Voir les dossiers").click()
    expect(page.get_by_test_id("letter-case")).to_have_count(2)
    _screenshots(page, screenshot_dir, "lpc-letter")
    page.check(f"#case-{case.pk}")
    page.check(f"#case-{late.pk}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la lettre (PDF)").click()
    path = download.value.path()
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages).split()
    )
    for name in ("CAMARA Mariama", "CAMARA Ibrahima", "SYLLA Fanta", "GN0012345"):
        assert name in text
