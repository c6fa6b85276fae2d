"""axe-core finds no critical or serious accessibility violation on any page a role opens,
in French and in Arabic, on a desktop and on a phone.

axe-core is installed by `npm ci` (package.json). Its colour-contrast rule skips Arabic
text; the stylesheet is the same in both directions, so the French pages cover it.
"""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from avrr.models import Organisation, User
from avrr.roles import Role
from cases.referrals.services import referral_submit
from tests.avrr.test_navigation import EXPECTED_NAVIGATION
from tests.browser.test_roles import sign_in
from tests.factories import person_data, referral_data, register_case
from tests.fixtures.page_checks import EXEMPT_PATH_PREFIXES

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("critical", "serious")
WIDTHS = {"desktop": 1280, "phone": 390}
# The violations of the page, with the first few elements each one is found on.
AXE_RUN_JS = """
async impacts => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter(violation => impacts.includes(violation.impact))
    .map(violation => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      count: violation.nodes.length,
      targets: violation.nodes.slice(0, 3).map(node => node.target.join(" ")),
    }));
}
"""


def _violations(page: Page) -> list[str]:
    found: list[dict[str, object]] = page.evaluate(AXE_RUN_JS, list(BLOCKING_IMPACTS))
    path = page.evaluate("location.pathname")
    return [
        f"{path}: {v['rule']} ({v['impact']}, {v['count']} element(s)): {v['help']}"
        f" — e.g. {v['targets']}"
        for v in found
    ]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_no_serious_accessibility_violation_on_any_page_of_a_role(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    persona: User,
    caseworker: User,
    ngo_referrer: User,
    office_rabat: Organisation,
    language: str,
    width: str,
) -> None:
    if not AXE.exists():
        pytest.skip("needs axe-core: npm ci")
    case = register_case(caseworker, person_data())
    referral, _created = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    paths = [reverse(name) for name in EXPECTED_NAVIGATION[Role(persona.role)]]
    paths += [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:register"),
        reverse("cases:distribution"),
        reverse("referrals:detail", args=[referral.pk]),
        reverse("referrals:new"),
    ]
    # In every page, as the browser's own script: the pages' policy refuses inline scripts,
    # such as a tag added with the script's text.
    page.context.add_init_script(path=AXE)
    sign_in(page, live_server, persona.username)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.set_viewport_size({"width": WIDTHS[width], "height": 844})

    violations: list[str] = []
    for path in paths:
        if any(path.startswith(prefix) for prefix in EXEMPT_PATH_PREFIXES):
            continue
        response = page.goto(live_server.url + path)
        assert response is not None
        if response.status in (403, 404):  # not a page of this role
            continue
        assert response.ok, f"{path}: {response.status}"
        violations += _violations(page)
    assert violations == [], (
        f"axe-core, {persona.role} in {language} at {WIDTHS[width]}px:\n" + "\n".join(violations)
    )
