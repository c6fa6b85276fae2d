"""An administrator signs in with the password and the authenticator's code, in Chromium."""

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from avrr.models import User
from tests.factories import PERSONA_PASSWORD, authenticator_code


def test_admin_signs_in_with_a_code_and_reaches_the_admin(
    page: Page, live_server: LiveServer, transactional_db: None, admin_user: User
) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", PERSONA_PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")

    expect(page.get_by_role("heading", name="Vérification en deux étapes")).to_be_visible()
    code = page.get_by_label("Code à 6 chiffres")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    expect(code).to_have_attribute("inputmode", "numeric")
    right = authenticator_code(admin_user)
    code.fill("000000" if right != "000000" else "111111")
    page.click("button[type=submit]:has-text('Vérifier')")
    expect(page.get_by_text("Code refusé")).to_be_visible()
    expect(page.get_by_label("Code à 6 chiffres")).to_have_attribute("aria-invalid", "true")

    # django-otp makes a new try wait after a failure (one second after the first).
    page.wait_for_timeout(1500)
    page.get_by_label("Code à 6 chiffres").fill(authenticator_code(admin_user))
    page.click("button[type=submit]:has-text('Vérifier')")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(
        page.get_by_role("heading", name="Utilisateurs, organisations et paramètres")
    ).to_be_visible()
