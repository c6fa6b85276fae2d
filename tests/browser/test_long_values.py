"""One very long value (a family name of 100 letters without a space) breaks no page: the
lists cut it, with the whole value on hover, and the case page wraps it."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from avrr.models import Organisation, User
from cases.referrals.services import referral_submit
from tests.browser.test_roles import sign_in
from tests.factories import person_data, referral_data, register_case

LONG_NAME = "Kouyaté" * 14 + "Ba"


def _overflow(page: Page, selector: str) -> int:
    """How far the content of `selector` overflows its box sideways (0: it fits)."""
    return int(page.eval_on_selector(selector, "box => box.scrollWidth - box.clientWidth"))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_long_name_breaks_neither_the_case_list_nor_the_case_page(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    caseworker: User,
    screenshot_dir: Path,
    language: str,
) -> None:
    case = register_case(caseworker, person_data(family_name=LONG_NAME))
    sign_in(page, live_server, caseworker.username)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/cases/")
    assert _overflow(page, "#results .table-responsive") == 0
    expect(page.locator("#results tbody td").last).to_be_in_viewport()
    expect(page.locator(f".cell-clip[title='{LONG_NAME.upper()} Mariama']")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"long-name-list-{language}.png")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert _overflow(page, "html") == 0
    assert _overflow(page, "[data-testid=person]") == 0
    page.screenshot(path=screenshot_dir / f"long-name-case-{language}.png", full_page=True)


def test_a_long_name_breaks_neither_the_referral_list_nor_the_referral_page(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    caseworker: User,
    ngo_referrer: User,
    ngo: Organisation,
    office_rabat: Organisation,
) -> None:
    data = referral_data(office_rabat)
    data.people[0].family_name = LONG_NAME
    referral, _created = referral_submit(actor=ngo_referrer, data=data)
    Organisation.objects.filter(pk=ngo.pk).update(name="ONG" + "x" * 190)
    sign_in(page, live_server, caseworker.username)

    page.goto(f"{live_server.url}/referrals/")
    assert _overflow(page, ".table-responsive") == 0
    expect(page.locator("tbody td").last).to_be_in_viewport()

    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    assert _overflow(page, "html") == 0
    assert _overflow(page, "[data-testid=referred-person]") == 0
