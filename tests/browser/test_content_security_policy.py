"""The third-party pages work under the Content-Security-Policy: the API documentation
(Swagger UI, with its relaxed policy) and the admin site. The product's own pages are
checked by every journey (tests/fixtures/browser.py)."""

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from avrr.models import User
from tests.browser.test_roles import sign_in


def test_api_documentation_works(
    page: Page, live_server: LiveServer, transactional_db: None, caseworker: User
) -> None:
    sign_in(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/api/docs/")
    # The schema was fetched and its operations listed.
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/v1/cases/", exact=True).first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()


def test_admin_site_works(
    page: Page, live_server: LiveServer, transactional_db: None, admin_user: User
) -> None:
    sign_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/avrr/user/")
    expect(page.locator("#result_list")).to_be_visible()
    page.locator("#result_list tbody th a").first.click()
    expect(page.locator("#user_form")).to_be_visible()
    page.goto(f"{live_server.url}/admin/avrr/organisation/add/")
    expect(page.locator("#organisation_form")).to_be_visible()
    # The audit trail: a list without actions, filters and a date hierarchy.
    page.goto(f"{live_server.url}/admin/avrr/auditevent/")
    expect(page.locator("#result_list")).to_be_visible()
