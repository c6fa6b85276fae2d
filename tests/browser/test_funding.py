"""Funding in Chromium: a supervisor adds an amendment to a spent agreement and is told who
is next on the waiting list; the agreements, the funds page and the waiting list in French
and Arabic, on a desktop and on a phone."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from avrr.models import Organisation, User
from cases.models import CaseStatus
from tests.browser.test_roles import sign_in
from tests.cases.departure.funding import agreement, staged_case

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_an_amendment_tells_who_is_next_in_both_languages(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    supervisor: User,
    caseworker: User,
    ministry: Organisation,
    screenshot_dir: Path,
) -> None:
    spent = agreement(
        ministry,
        reference="MI-RVA-2025",
        title="Convention RVA 2025-2026 : billets et pécule",
        ticket_quota=400,
        tickets_reserved=400,
    )
    agreement(
        ministry,
        reference="OIM-RVA-USD-01",
        title="Projet OIM de retour et de réintégration : billets",
        ticket_quota=None,
        budget=Decimal("150000"),
        budget_reserved=Decimal("12500"),
        currency="USD",
    )
    staged_case(caseworker, CaseStatus.WAITING_FUNDS, ready_on=date(2026, 1, 5), name="Awa")
    head = staged_case(
        caseworker,
        CaseStatus.WAITING_FUNDS,
        ready_on=date(2026, 2, 1),
        vulnerable=True,
        children=2,
        name="Aminata",
    )
    sign_in(page, live_server, supervisor.username)
    expect(page.get_by_test_id("panel-funding")).to_contain_text(head.number)
    page.get_by_test_id("navigation").get_by_role("link", name="Départs").click()
    page.get_by_role("link", name="Financement", exact=True).click()
    page.get_by_role("link", name="MI-RVA-2025").click()
    form = page.get_by_test_id("amendment-form")
    form.get_by_label("Référence de l'avenant").fill("MI-RVA-2025/A1")
    form.get_by_label("Billets ajoutés").fill("100")
    form.get_by_role("button", name="Enregistrer l'avenant").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        f"Prochain sur la liste d'attente : {head.number} (3 personnes)."
    )
    expect(page.get_by_test_id("funds-tickets")).to_contain_text("100")

    pages = {
        "agreements": "/departure/funding/",
        "funds": f"/departure/funding/{spent.pk}/",
        "waiting": "/departure/waiting-list/",
    }
    for language in ("fr", "ar"):
        if language == "ar":
            # The language buttons are in the navigation, folded away on a phone.
            page.set_viewport_size({"width": 1280, "height": 900})
            page.click("button[name=language][value=ar]")
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                page.goto(f"{live_server.url}{path}")
                assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} scrolls sideways at {width}"
                page.screenshot(
                    path=screenshot_dir / f"funding-{name}-{language}-{width}.png",
                    full_page=True,
                )
