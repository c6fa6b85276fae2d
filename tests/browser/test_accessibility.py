"""WCAG 2.1 AA checks a browser can make: contrast, focus, form errors, the filters' status,
adding and removing a family member, and the layout on a phone and a tablet. Screenshots of
the pages in French and Arabic at 1280, 768 and 390 px."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from avrr.models import User
from tests.browser.test_roles import sign_in
from tests.factories import person_data, register_case

# The WCAG contrast ratio of an element's text colour on the first opaque background behind
# it, alpha-blended, as computed by the browser.
CONTRAST = """(element) => {
  const parse = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const blend = ([r, g, b, a = 1], [R, G, B]) =>
    [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a)];
  let background = [255, 255, 255];
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour.length === 4 && colour[3] === 0) continue;
    layers.push(colour);
    if (colour.length === 3 || colour[3] === 1) break;
  }
  for (const layer of layers.reverse()) background = blend(layer, background);
  const text = blend(parse(getComputedStyle(element).color), background);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((c) =>
      c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [high, low] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  return (high + 0.05) / (low + 0.05);
}"""

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _switch_language(page: Page, language: str) -> None:
    if language != "fr":
        page.click(f"button[name=language][value={language}]")
        expect(page.locator("html")).to_have_attribute("lang", language)


def _contrast(page: Page, selector: str) -> float:
    ratio: float = page.locator(selector).first.evaluate(CONTRAST)
    return ratio


@pytest.fixture
def cases(caseworker: User) -> None:
    for index in range(3):
        register_case(caseworker, person_data(family_name=f"Diallo{index}"))


def test_contrast_of_the_named_elements(
    page: Page, live_server: LiveServer, transactional_db: None, caseworker: User, cases: None
) -> None:
    sign_in(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/cases/")
    assert _contrast(page, "[data-testid=navigation] .nav-link:not(.active)") >= 4.5
    assert _contrast(page, "button[name=language]:not(.btn-light)") >= 4.5
    assert _contrast(page, "[data-testid=user-menu]") >= 4.5
    assert _contrast(page, "a.btn-outline-primary") >= 4.5
    assert _contrast(page, "a.btn-link") >= 4.5
    assert _contrast(page, "[data-testid=result-count]") >= 4.5
    page.evaluate(
        "() => document.querySelector('.badge[class*=status-]').className"
        " = 'badge status-waiting_funds'"
    )
    assert _contrast(page, ".badge.status-waiting_funds") >= 4.5


def test_focus_is_visible_on_a_navbar_link(
    page: Page, live_server: LiveServer, transactional_db: None, caseworker: User
) -> None:
    sign_in(page, live_server, caseworker.username)
    link = page.locator("[data-testid=navigation] .nav-link").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    style = link.evaluate(
        "(e) => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
    )
    assert style[0] != "none"
    assert float(style[1].removesuffix("px")) >= 2


def test_failed_registration_summary_and_fields(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    caseworker: User,
    screenshot_dir: Path,
) -> None:
    sign_in(page, live_server, caseworker.username)
    for language in ("fr", "ar"):
        page.goto(f"{live_server.url}/cases/new/")
        _switch_language(page, language)
        page.locator("main button[type=submit]").click()
        summary = page.get_by_test_id("error-summary")
        expect(summary).to_be_focused()
        if language == "fr":
            assert page.title().startswith("Erreur : ")
            summary.locator("a[href='#id_people-0-family_name']").click()
            family_name = page.locator("#id_people-0-family_name")
            expect(family_name).to_be_focused()
            expect(family_name).to_have_attribute("aria-invalid", "true")
            expect(family_name).to_have_class(re.compile(r"\bis-invalid\b"))
        for width in (1280, 768, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(
                path=screenshot_dir / f"a11y-register-errors-{language}-{width}.png", full_page=True
            )
        page.set_viewport_size({"width": 1280, "height": 800})


def test_filter_count_is_announced(
    page: Page, live_server: LiveServer, transactional_db: None, caseworker: User, cases: None
) -> None:
    sign_in(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/cases/")
    status = page.get_by_test_id("result-count")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("3 dossiers")
    page.locator("#id_q").press_sequentially("Diallo1")
    expect(status).to_have_text("1 dossier")


def test_add_and_remove_a_family_member(
    page: Page, live_server: LiveServer, transactional_db: None, caseworker: User
) -> None:
    sign_in(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/cases/new/")
    add = page.get_by_role("button", name="Ajouter un membre de la famille")
    add.click()
    expect(page.locator("#people-1-heading")).to_be_focused()
    expect(page.locator("#people-1-heading")).to_have_text("Personne 2")
    add.click()
    expect(page.locator("#people-2-heading")).to_have_text("Personne 3")
    page.fill("#id_people-2-given_name", "Aïssatou")
    page.get_by_role("button", name="Retirer la personne 2").click()
    expect(page.get_by_test_id("person-form")).to_have_count(2)
    expect(page.locator("#id_people-TOTAL_FORMS")).to_have_value("2")
    expect(page.locator("#people-1-heading")).to_have_text("Personne 2")
    expect(page.locator("#id_people-1-given_name")).to_have_value("Aïssatou")
    expect(add).to_be_focused()


# Each table box that scrolls sideways has the hint above it and takes focus; no other does.
SCROLL_HINTS_MATCH = """() => [...document.querySelectorAll('.table-responsive')].every((box) => {
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  const hint = box.previousElementSibling;
  const hinted = !!hint && hint.classList.contains('scroll-hint') && hint.textContent.length > 0;
  return scrolls === hinted && scrolls === (box.getAttribute('tabindex') === '0');
})"""


def test_a_table_wider_than_a_tablet_says_it_scrolls(
    page: Page, live_server: LiveServer, transactional_db: None, caseworker: User
) -> None:
    register_case(caseworker, person_data())
    sign_in(page, live_server, caseworker.username)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_test_id("scroll-hint")).to_have_count(0)
    # Narrower than the case list's columns, wider than a phone's cards.
    page.set_viewport_size({"width": 600, "height": 900})
    expect(page.get_by_test_id("scroll-hint")).to_have_count(1)
    expect(page.get_by_test_id("scroll-hint")).to_have_text(re.compile("défiler"))
    assert page.evaluate(SCROLL_HINTS_MATCH)


def test_phone_and_tablet_layouts(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    caseworker: User,
    cases: None,
    screenshot_dir: Path,
) -> None:
    sign_in(page, live_server, caseworker.username)
    for language in ("fr", "ar"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/cases/")
        _switch_language(page, language)
        for width in (1280, 768, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/cases/")
            assert page.evaluate(NO_SIDEWAYS_SCROLL), f"case list scrolls sideways at {width}"
            if width == 390:
                status = page.get_by_test_id("case-status").first
                status.scroll_into_view_if_needed()
                expect(status).to_be_in_viewport()
                box = status.bounding_box()
                assert box
                assert box["x"] >= 0
                assert box["x"] + box["width"] <= width
            # A table that scrolls in its box says so, and the keyboard can scroll it.
            assert page.evaluate(SCROLL_HINTS_MATCH), f"scroll hints wrong at {width}"
            page.screenshot(
                path=screenshot_dir / f"a11y-case-list-{language}-{width}.png", full_page=True
            )
            case_url = page.locator("#results tbody a").first.get_attribute("href")
            page.goto(f"{live_server.url}{case_url}")
            assert page.evaluate(NO_SIDEWAYS_SCROLL), f"case page scrolls sideways at {width}"
            page.screenshot(
                path=screenshot_dir / f"a11y-case-{language}-{width}.png", full_page=True
            )
