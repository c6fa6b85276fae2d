"""Each role signs in in Chromium, sees its own navigation, and reads the site in Arabic."""

from pathlib import Path

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from avrr.models import User
from avrr.roles import Role
from tests.avrr.test_navigation import EXPECTED_NAVIGATION
from tests.factories import PERSONA_PASSWORD, authenticator_code
from tests.fixtures.page_checks import EXEMPT_PATH_PREFIXES
from tests.fixtures.screen import assert_no_cell_overflows

NAV_LABELS_FR = {
    "home": "Accueil",
    "cases:list": "Dossiers",
    "cases:caseload": "Charge de travail",
    "referrals:list": "Référencements",
    "departure:board": "Départs",
    "departure:arrivals": "Arrivées attendues",
    "api-docs": "API",
    "admin:index": "Administration",
}


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    """Password, then (for a user with an authenticator) the code it shows now."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PERSONA_PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    user = User.objects.get(username=username)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        expect(page.get_by_role("heading", name="Vérification en deux étapes")).to_be_visible()
        page.get_by_label("Code à 6 chiffres").fill(authenticator_code(user))
        page.click("button[type=submit]:has-text('Vérifier')")
    expect(page.get_by_test_id("role")).to_be_visible()


def test_each_role_navigation_and_arabic(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    persona: User,
    screenshot_dir: Path,
) -> None:
    sign_in(page, live_server, persona.username)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expected = [NAV_LABELS_FR[name] for name in EXPECTED_NAVIGATION[Role(persona.role)]]
    expect(page.get_by_test_id("navigation").locator("a")).to_have_text(expected)
    page.screenshot(path=screenshot_dir / f"home-{persona.role}-fr.png", full_page=True)

    page.click("button[name=language][value=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href") or ""
    assert "bootstrap.rtl" in stylesheet
    expect(page.get_by_test_id("navigation").locator("a").first).to_have_text("الرئيسية")
    page.screenshot(path=screenshot_dir / f"home-{persona.role}-ar.png", full_page=True)

    # Each page of the navigation, in Arabic: right to left, and no table cell overflows.
    for name in EXPECTED_NAVIGATION[Role(persona.role)]:
        path = reverse(name)
        if any(path.startswith(prefix) for prefix in EXEMPT_PATH_PREFIXES):
            continue
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert_no_cell_overflows(page)
