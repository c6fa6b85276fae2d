"""The distribution day in Chromium: the search box narrows the list of cases as one types,
and what was checked stays checked and is recorded."""

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from avrr.models import User
from cases.models import Assistance
from tests.browser.test_roles import sign_in
from tests.factories import child_data, person_data, register_case


def test_search_narrows_the_cases_and_keeps_what_is_checked(
    page: Page, live_server: LiveServer, transactional_db: None, caseworker: User
) -> None:
    kouyate = register_case(
        caseworker,
        person_data(family_name="Kouyaté", given_name="Mariam"),
        child_data(family_name="Kouyaté", given_name="Sory"),
    )
    diallo = register_case(caseworker, person_data(family_name="Diallo", given_name="Awa"))
    sign_in(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/cases/distribution/")
    cases = page.get_by_test_id("distribution-case")
    expect(cases).to_have_count(2)
    page.get_by_label("Awa").check()
    search = page.get_by_placeholder("Numéro de dossier ou nom")
    # Case and accents do not matter; Enter does not send the form.
    search.fill("KOUYATE sory")
    search.press("Enter")
    expect(cases.filter(has_text=kouyate.number)).to_be_visible()
    expect(cases.filter(has_text=diallo.number)).to_be_hidden()
    page.get_by_label("Sory").check()
    search.fill("personne")
    expect(page.get_by_text("Aucun dossier ne correspond.")).to_be_visible()
    search.fill(diallo.number[-4:])
    expect(cases.filter(has_text=diallo.number)).to_be_visible()
    page.select_option("#id_kind", "food_kit")
    page.click("button:has-text('Enregistrer la distribution')")
    expect(page.get_by_role("alert").filter(has_text="Distribution enregistrée")).to_be_visible()
    people = set(Assistance.objects.values_list("person__given_name", flat=True))
    assert people == {"Awa", "Sory"}


def test_people_are_easy_to_tick_on_a_phone(
    page: Page, live_server: LiveServer, transactional_db: None, caseworker: User
) -> None:
    register_case(
        caseworker,
        person_data(family_name="Kouyaté", given_name="Mariam"),
        child_data(family_name="Kouyaté", given_name="Sory"),
    )
    sign_in(page, live_server, caseworker.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/cases/distribution/")
    rows = page.locator("#distribution-cases .form-check")
    expect(rows).to_have_count(2)
    for index in range(2):
        # The whole row (box and name) is the target: at least 44 px high.
        box = rows.nth(index).bounding_box()
        tick = rows.nth(index).locator("input").bounding_box()
        assert box
        assert tick
        assert box["height"] >= 44
        assert tick["width"] >= 24
        assert tick["height"] >= 24
