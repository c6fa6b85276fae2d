"""An NGO refers a woman and her child; an IOM caseworker accepts; the NGO sees `accepted`;
another NGO sees nothing of it."""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from avrr.models import Organisation, User
from avrr.roles import Role
from cases.models import Case
from cases.referrals.models import Referral, ReferralStatus
from tests.browser.test_roles import sign_in
from tests.factories import UserFactory
from tests.fixtures.screen import assert_no_cell_overflows


def _fill_person(page: Page, index: int, *, relationship: str, given: str, sex: str) -> None:
    prefix = f"#id_people-{index}-"
    page.select_option(prefix + "relationship", relationship)
    page.fill(prefix + "family_name", "Touré")
    page.fill(prefix + "given_name", given)
    page.select_option(prefix + "sex", sex)
    page.select_option(prefix + "nationality", "ML")


def test_referral_from_ngo_to_case(
    page: Page,
    new_page: Callable[[], Page],
    live_server: LiveServer,
    transactional_db: None,
    ngo_referrer: User,
    other_ngo: Organisation,
    caseworker: User,
    screenshot_dir: Path,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, live_server, ngo_referrer.username)
    page.get_by_role("link", name="Référencements").click()
    page.get_by_test_id("new-referral").click()
    _fill_person(page, 0, relationship="principal", given="Awa", sex="F")
    page.fill("#id_people-0-birth_date", "21/08/1993")
    page.check("input[name=people-0-vulnerabilities][value=single_parent]")
    page.get_by_role("button", name="Ajouter un membre de la famille").click()
    _fill_person(page, 1, relationship="child", given="Bakary", sex="M")
    page.fill("#id_people-1-age", "5")
    page.select_option("#id_office", label="OIM Rabat")
    page.select_option("#id_urgency", "1")
    page.fill("#id_reason", "Mère isolée, souhaite rentrer à Bamako.")
    page.fill("#id_consent_taken_by", "Fatou Diallo")
    page.screenshot(path=screenshot_dir / "referral-form-fr.png", full_page=True)

    # Without the person's consent nothing is sent.
    page.get_by_role("button", name="Envoyer à l'OIM").click()
    expect(
        page.get_by_text("Sans le consentement de la personne, rien n'est envoyé.")
    ).to_be_visible()
    assert not Referral.objects.exists()
    page.check("#id_consent")
    page.get_by_role("button", name="Envoyer à l'OIM").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Soumis")
    referral = Referral.objects.get()

    caseworker_page = new_page()
    sign_in(caseworker_page, live_server, caseworker.username)
    caseworker_page.get_by_role("link", name="Référencements").click()
    assert_no_cell_overflows(caseworker_page)
    caseworker_page.get_by_role("link", name=referral.reference).click()
    triage = caseworker_page.get_by_test_id("triage")
    expect(triage.get_by_role("button", name="Commencer l'examen")).to_be_visible()
    expect(triage.get_by_role("button", name="Refuser")).to_be_visible()
    caseworker_page.screenshot(path=screenshot_dir / "referral-triage-fr.png", full_page=True)
    caseworker_page.get_by_role("button", name="Accepter et ouvrir un dossier").click()
    expect(caseworker_page.get_by_test_id("person")).to_have_count(2)
    case = Case.objects.get()
    assert case.referring_organisation == ngo_referrer.organisation
    assert sorted(case.people.values_list("given_name", flat=True)) == ["Awa", "Bakary"]
    caseworker_page.screenshot(
        path=screenshot_dir / "referral-accepted-case-fr.png", full_page=True
    )

    page.goto(f"{live_server.url}/referrals/")
    expect(page.get_by_test_id("referral-status")).to_have_text("Accepté")
    assert_no_cell_overflows(page)
    page.click("button[name=language][value=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_cell_overflows(page)
    page.screenshot(path=screenshot_dir / "referral-list-ngo-ar.png", full_page=True)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED

    UserFactory.create(username="ngo.two", role=Role.NGO_REFERRER, organisation=other_ngo)
    other_page = new_page()
    sign_in(other_page, live_server, "ngo.two")
    other_page.goto(f"{live_server.url}/referrals/")
    expect(other_page.get_by_test_id("referral-row")).to_have_count(0)
    response = other_page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    assert response is not None
    assert response.status == 404
    response = other_page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert response is not None
    assert response.status in (403, 404)
