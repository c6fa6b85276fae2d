"""One very long value (a family name of 100 letters without a space) breaks no page: the
lists cut it, with the whole value on hover, and the case page wraps it. Nor do values as
long as every text field takes, on any list or detail page of any role."""

from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import CharField, TextField
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from avrr.models import Organisation, User
from cases.referrals.services import referral_submit
from tests.browser.test_roles import sign_in
from tests.factories import child_data, person_data, referral_data, register_case
from tests.fixtures.page_checks import PRODUCT_APPS
from tests.fixtures.screen import assert_inside_viewport, assert_no_cell_overflows

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


# Fields whose value the test needs as it is, whose format a constraint checks, that the
# product writes itself in a fixed format (case numbers, referral references), or that no
# page shows.
KEEP_AS_IS = {
    "username",
    "password",
    "code",
    "name_key",
    "content_type",
    "currency",
    "email",
    "number",
    "reference",
}
# The audit trail cannot be changed, and is shown through its labels.
NOT_FILLED = {"avrr.auditevent"}


def _longest(field: CharField[str, str] | TextField[str, str], row: int) -> str:
    """A value as long as the field takes, with no space for a line to break at; the row's
    number first keeps unique values apart."""
    length = field.max_length or 2000
    return (str(row) + LONG_NAME * (length // len(LONG_NAME) + 1))[:length]


def _fill_every_text_field() -> None:
    for model in apps.get_models():
        if model._meta.app_label not in PRODUCT_APPS or model._meta.label_lower in NOT_FILLED:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, CharField | TextField)
            and field.editable
            and not field.choices
            and field.name not in KEEP_AS_IS
        ]
        rows = model._default_manager.all()
        for row in rows.values_list("pk", flat=True) if fields else []:
            rows.filter(pk=row).update(**{field.name: _longest(field, row) for field in fields})


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_page_of_a_role_holds_maximum_length_values(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    persona: User,
    caseworker: User,
    supervisor: User,
    ngo_referrer: User,
    office_rabat: Organisation,
    language: str,
) -> None:
    case = register_case(caseworker, person_data(), child_data())
    referral, _created = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    _fill_every_text_field()
    sign_in(page, live_server, persona.username)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    paths = [
        reverse("home"),
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:caseload"),
        reverse("cases:distribution"),
        reverse("referrals:list"),
        reverse("referrals:detail", args=[referral.pk]),
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None
        if response.status in (403, 404):  # not a page of this role
            continue
        assert response.ok, f"{path}: {response.status}"
        assert_inside_viewport(page)
        assert_no_cell_overflows(page)
