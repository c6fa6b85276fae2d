"""The case pages: who gets what, the conflict on concurrent edits, pinned query counts."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from avrr.models import AuditEvent, Organisation, User
from avrr.roles import Role
from cases.models import Assistance, Case, CaseStatus, VulnerabilityCode
from cases.services import assistance_record, attachment_add, sensitive_note_add
from tests.factories import UserFactory, child_data, pdf_upload, person_data, register_case


@pytest.fixture
def case(caseworker: User, settings: Settings, tmp_path: Path) -> Case:
    settings.MEDIA_ROOT = tmp_path
    case = register_case(caseworker, person_data(), child_data())
    attachment_add(actor=caseworker, case=case, kind="photo", upload=pdf_upload("photo.pdf"))
    sensitive_note_add(actor=caseworker, case=case, kind="medical", text="Traitement en cours")
    return case


def _case_urls(case: Case) -> list[str]:
    person = case.people.first()
    attachment = case.attachments.first()
    assert person is not None
    assert attachment is not None
    names = [
        "detail",
        "edit",
        "withdraw",
        "assistance_add",
        "counselling_add",
        "declaration_add",
        "attachment_add",
        "note_add",
    ]
    return [
        *(reverse(f"cases:{name}", args=[case.pk]) for name in names),
        reverse("cases:person_edit", args=[case.pk, person.pk]),
        reverse("cases:attachment", args=[case.pk, attachment.pk]),
    ]


def _post_urls(case: Case) -> list[str]:
    person = case.people.first()
    assert person is not None
    return [
        reverse("cases:transition", args=[case.pk]),
        reverse("cases:assign", args=[case.pk]),
        reverse("cases:duplicate_resolve", args=[case.pk, person.pk]),
        *_case_urls(case)[1:-1],
    ]


def test_caseworker_of_the_office_reaches_every_page(
    client: Client, caseworker: User, case: Case
) -> None:
    client.force_login(caseworker)
    for url in _case_urls(case):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "outsider",
    ["other_office_caseworker", "reintegration_officer", "ministry_focal_point", "ngo_referrer"],
)
def test_outsiders_get_404_on_every_case_page(
    client: Client, case: Case, outsider: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(outsider))
    for url in _case_urls(case):
        assert client.get(url).status_code == 404, url
    for url in _post_urls(case):
        assert client.post(url, {"to_status": "assisting", "reason": "x"}).status_code == 404, url
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED


@pytest.mark.parametrize("role_fixture", ["ministry_focal_point", "ngo_referrer"])
def test_ministry_and_ngo_cannot_browse_cases(
    client: Client, case: Case, role_fixture: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("cases:list")).status_code == 403
    assert client.get(reverse("cases:register")).status_code == 403
    assert client.get(reverse("cases:distribution")).status_code == 403
    assert client.get(reverse("cases:caseload")).status_code == 403


def test_list_shows_only_the_office_cases(
    client: Client, case: Case, other_office_caseworker: User
) -> None:
    other = register_case(other_office_caseworker, person_data(family_name="Diallo"))
    client.force_login(other_office_caseworker)
    page = client.get(reverse("cases:list")).content.decode()
    assert other.number in page
    assert case.number not in page


def test_sensitive_notes_hidden_from_other_caseworkers_of_the_office(
    client: Client, case: Case, office_rabat: object, supervisor: User
) -> None:
    colleague = UserFactory.create(
        username="colleague", role=Role.CASEWORKER, organisation=case.office
    )
    client.force_login(colleague)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Traitement en cours" not in page
    assert 'id="notes"' not in page
    assert client.get(reverse("cases:note_add", args=[case.pk])).status_code == 403
    client.force_login(supervisor)
    assert (
        "Traitement en cours"
        in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )


def test_register_case_with_family(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    data = {
        "registered_on": "2026-01-15",
        "referral_source": "walk_in",
        "priority": "0",
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "1",
        "people-MAX_NUM_FORMS": "15",
    }
    for index, (relationship, given, sex, born) in enumerate(
        [("principal", "Fatoumata", "F", "1990-04-01"), ("child", "Sekou", "M", "2015-06-30")]
    ):
        data |= {
            f"people-{index}-relationship": relationship,
            f"people-{index}-family_name": "Bah",
            f"people-{index}-given_name": given,
            f"people-{index}-sex": sex,
            f"people-{index}-birth_date": born,
            f"people-{index}-nationality": "GN",
        }
    response = client.post(reverse("cases:register"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.number == "MA-RBA-2026-000001"
    assert sorted(case.people.values_list("given_name", flat=True)) == ["Fatoumata", "Sekou"]


def test_register_without_principal_is_refused_in_french(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    response = client.post(
        reverse("cases:register"),
        {
            "registered_on": "2026-01-15",
            "referral_source": "walk_in",
            "priority": "0",
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-0-relationship": "child",
            "people-0-family_name": "Bah",
            "people-0-given_name": "Sekou",
            "people-0-sex": "M",
            "people-0-age": "9",
            "people-0-nationality": "GN",
        },
    )
    assert response.status_code == 200
    assert "exactement un·e demandeur·se principal·e" in response.content.decode()
    assert not Case.objects.exists()


def test_concurrent_edit_is_refused_and_shows_the_other_version(
    client: Client, caseworker: User, case: Case
) -> None:
    person = case.people.get(relationship="principal")
    url = reverse("cases:person_edit", args=[case.pk, person.pk])
    form = {
        "version": str(person.version),
        "family_name": "Camara",
        "given_name": "Mariama",
        "sex": "F",
        "birth_date": "1995-03-14",
        "birth_date_precision": "exact",
        "nationality": "GN",
        "country_of_return": "GN",
    }
    client.force_login(caseworker)
    assert client.post(url, form | {"phone": "+212600000001"}).status_code == 302
    # A second person still holding the first version saves too late.
    response = client.post(url, form | {"phone": "+212611111111"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "modifié cette fiche entre-temps" in page
    assert 'data-testid="conflict"' in page
    assert "+212600000001" in page
    person.refresh_from_db()
    assert person.phone == "+212600000001"


def test_transition_refused_says_what_is_missing(
    client: Client, caseworker: User, case: Case
) -> None:
    client.force_login(caseworker)
    url = reverse("cases:transition", args=[case.pk])
    client.post(url, {"to_status": "assisting"})
    response = client.post(url, {"to_status": "ready"}, follow=True)
    assert "déclaration de retour volontaire signée" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSISTING


def test_htmx_filter_returns_only_the_rows(client: Client, caseworker: User, case: Case) -> None:
    client.force_login(caseworker)
    response = client.get(reverse("cases:list"), {"q": "camara"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert case.number in page
    assert "<html" not in page


def test_attachment_download_is_traced(client: Client, caseworker: User, case: Case) -> None:
    attachment = case.attachments.get()
    client.force_login(caseworker)
    response = client.get(reverse("cases:attachment", args=[case.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(
        action="attachment.view", actor=caseworker, target_id=str(attachment.pk)
    ).exists()


# Pinned: a change here is a decision. Both include reading the session and the user, their
# second factor (the device that verified the session, or whether they have one), and
# saving the session (savepoint, update, release).
LIST_QUERIES = 11  # + filter choices (2), count, cases, principals
DETAIL_QUERIES = 19  # + case, people, vulnerabilities, link requests, records (4), audit,
# timeline, notes, and the sections later apps add (`cases.sections`): the departure's
# travel documents and laissez-passer requests (2)


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_count_is_the_same_for_1_and_50_cases(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    register_case(caseworker, person_data(given_name="Premier"))
    url = reverse("cases:list")
    one = _count_queries(client, url)
    for index in range(49):
        register_case(caseworker, person_data(given_name=f"Personne{index}"), child_data())
    assert _count_queries(client, url) == one == LIST_QUERIES


def test_case_page_query_count_is_the_same_for_1_and_50_rows(
    client: Client, caseworker: User, case: Case
) -> None:
    client.force_login(caseworker)
    url = reverse("cases:detail", args=[case.pk])
    person = case.people.first()
    assert person is not None
    assistance_record(actor=caseworker, person=person, kind="food_kit", given_on=date(2026, 1, 2))
    one = _count_queries(client, url)
    for _ in range(49):
        assistance_record(
            actor=caseworker, person=person, kind="hygiene_kit", given_on=date(2026, 1, 3)
        )
    assert Assistance.objects.filter(case=case).count() == 50
    assert _count_queries(client, url) == one == DETAIL_QUERIES


def test_caseload_counts_open_cases_per_caseworker(
    client: Client, supervisor: User, caseworker: User, case: Case
) -> None:
    client.force_login(supervisor)
    response = client.get(reverse("cases:caseload"))
    rows = response.context["rows"]
    assert [(row["assigned_to"], row["total"]) for row in rows] == [(caseworker.pk, 1)]


def test_country_names_follow_the_language(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    client.cookies["django_language"] = "ar"
    assert "غينيا" in client.get(reverse("cases:list")).content.decode()
    client.cookies["django_language"] = "fr"
    assert "Guinée" in client.get(reverse("cases:list")).content.decode()


def test_filter_selects_keep_the_chosen_values(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    page = client.get(
        reverse("cases:list"),
        {"vulnerability": "pregnant", "assigned_to": str(caseworker.pk), "nationality": "GN"},
    ).content.decode()
    assert '<option value="pregnant" selected>' in page
    assert f'<option value="{caseworker.pk}" selected>' in page
    assert '<option value="GN" selected>' in page
    assert '<option value="" selected>Toutes</option>' not in page


def _element(page: str, start: str, end: str) -> str:
    """The part of `page` from the first `start` to the next `end`."""
    match = re.search(f"{re.escape(start)}.*?{re.escape(end)}", page, re.DOTALL)
    assert match is not None, start
    return match.group(0)


def test_vulnerability_filter_is_one_select_with_its_options(
    client: Client, caseworker: User
) -> None:
    client.force_login(caseworker)
    page = client.get(reverse("cases:list")).content.decode()
    assert "{#" not in page
    select = _element(page, '<select class="form-select" name="vulnerability"', "</select>")
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options == [
        ("", "Toutes"),
        *((code, str(label)) for code, label in VulnerabilityCode.choices),
    ]


def test_a_long_name_is_cut_in_the_list_and_whole_on_hover(
    client: Client, caseworker: User
) -> None:
    long_name = "Camara" * 16
    case = register_case(caseworker, person_data(family_name=long_name))
    client.force_login(caseworker)
    full_name = f"{long_name.upper()} Mariama"
    row = _element(client.get(reverse("cases:list")).content.decode(), case.number, "</tr>")
    assert f'<div class="cell-clip" title="{full_name}">{full_name}</div>' in row
    css = (Path(settings.BASE_DIR) / "static" / "avrr" / "avrr.css").read_text()
    assert ".cell-clip {" in css


def _conflict_panel(page: str) -> str:
    return _element(page, 'data-testid="conflict"', "</dl>")


def test_case_edit_conflict_shows_the_other_version_as_people_read_it(
    client: Client, caseworker: User, case: Case, ngo: Organisation
) -> None:
    url = reverse("cases:edit", args=[case.pk])
    form = {
        "version": str(case.version),
        "priority": "2",
        "referral_source": "ngo",
        "referring_organisation": str(ngo.pk),
        "return_reason": "Rejoindre sa famille.",
        "justice_decision": "",
        "justice_decision_on": "",
        "justice_reference": "",
    }
    client.force_login(caseworker)
    assert client.post(url, form).status_code == 302
    response = client.post(url, form | {"priority": "1"})
    assert response.status_code == 409
    panel = _conflict_panel(response.content.decode())
    assert '<dt class="col-sm-5">Priorité</dt><dd class="col-sm-7">Urgente</dd>' in panel
    assert (
        '<dt class="col-sm-5">Comment la personne est venue</dt>'
        '<dd class="col-sm-7">ONG partenaire</dd>'
    ) in panel
    assert '<dd class="col-sm-7">ONG Une</dd>' in panel
    assert '<dd class="col-sm-7">—</dd>' in panel  # no decision of the Justice
    assert ">2<" not in panel
    assert ">ngo<" not in panel


def test_person_edit_conflict_shows_countries_choices_and_dates_by_name(
    client: Client, caseworker: User, case: Case
) -> None:
    person = case.people.get(relationship="principal")
    url = reverse("cases:person_edit", args=[case.pk, person.pk])
    form = {
        "version": str(person.version),
        "family_name": "Camara",
        "given_name": "Mariama",
        "sex": "F",
        "birth_date": "1995-03-14",
        "birth_date_precision": "exact",
        "nationality": "GN",
        "country_of_return": "GN",
    }
    client.force_login(caseworker)
    assert client.post(url, form | {"marital_status": "married"}).status_code == 302
    response = client.post(url, form)
    assert response.status_code == 409
    panel = _conflict_panel(response.content.decode())
    assert '<dt class="col-sm-5">Nationalité</dt><dd class="col-sm-7">Guinée</dd>' in panel
    assert '<dt class="col-sm-5">Sexe</dt><dd class="col-sm-7">Femme</dd>' in panel
    assert '<dd class="col-sm-7">14/03/1995</dd>' in panel
    assert '<dd class="col-sm-7">Marié·e</dd>' in panel
    assert ">GN<" not in panel


def test_reassignment_is_labelled_names_people_and_starts_on_the_caseworker(
    client: Client, supervisor: User, caseworker: User, case: Case
) -> None:
    client.force_login(supervisor)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    form = _element(page, 'action="{}"'.format(reverse("cases:assign", args=[case.pk])), "</form>")
    assert '<label class="form-label small mb-1" for="id_assigned_to">Assigner à</label>' in form
    assert f'<option value="{caseworker.pk}" selected>{caseworker.get_full_name()}</option>' in form
    assert f">{supervisor.get_full_name()}</option>" in form
    assert ">caseworker<" not in form
    assert "---------" not in form


# Nationality and country of return -----------------------------------------------------

MAIN_NATIONALITIES_FIRST = (
    r'<option value=""( selected)?>{blank}</option>\s*'
    r'<optgroup label="Principales nationalités">\s*<option value="CM"'
)


def _registration(**person: str) -> dict[str, str]:
    return {
        "registered_on": "2026-01-15",
        "referral_source": "walk_in",
        "priority": "0",
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-0-relationship": "principal",
        "people-0-family_name": "Bah",
        "people-0-given_name": "Fatoumata",
        "people-0-sex": "F",
        "people-0-age": "30",
    } | {f"people-0-{name}": value for name, value in person.items()}


def test_registration_takes_no_nationality_by_default(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    page = client.get(reverse("cases:register")).content.decode()
    nationality = _element(page, 'name="people-0-nationality"', "</select>")
    assert re.search(MAIN_NATIONALITIES_FIRST.format(blank="—"), nationality)
    assert '<optgroup label="Autres pays">' in nationality
    country_of_return = _element(page, 'name="people-0-country_of_return"', "</select>")
    assert re.search(
        MAIN_NATIONALITIES_FIRST.format(blank="Comme la nationalité"), country_of_return
    )
    assert "Sahara occidental" not in page


def test_registration_without_nationality_is_refused(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    response = client.post(reverse("cases:register"), _registration(nationality=""))
    assert response.status_code == 200
    errors = response.context["people_forms"].forms[0].errors
    assert errors["nationality"] == ["Ce champ est obligatoire."]
    assert not Case.objects.exists()


@pytest.mark.parametrize("field", ["nationality", "country_of_return"])
def test_western_sahara_is_refused_as_a_country(
    client: Client, caseworker: User, field: str
) -> None:
    client.force_login(caseworker)
    response = client.post(
        reverse("cases:register"), _registration(**({"nationality": "GN"} | {field: "EH"}))
    )
    assert response.status_code == 200
    assert "EH n’en fait pas partie" in " ".join(
        response.context["people_forms"].forms[0].errors[field]
    )
    assert not Case.objects.exists()


def test_person_edit_offers_main_nationalities_first(
    client: Client, caseworker: User, case: Case
) -> None:
    person = case.people.get(relationship="principal")
    client.force_login(caseworker)
    page = client.get(reverse("cases:person_edit", args=[case.pk, person.pk])).content.decode()
    for name in ("nationality", "country_of_return"):
        select = _element(page, f'name="{name}"', "</select>")
        assert re.search(MAIN_NATIONALITIES_FIRST.format(blank="—"), select)
        assert '<option value="GN" selected>Guinée</option>' in select
    assert "Sahara occidental" not in page


# Distribution day ----------------------------------------------------------------------


def _distribution_cases(page: str) -> dict[str, str]:
    """Each case's block of the distribution page, by case number."""
    blocks = re.findall(
        r'<fieldset[^>]*data-testid="distribution-case">.*?</fieldset>', page, re.DOTALL
    )
    return {re.findall(r"<legend[^>]*>(.*?)</legend>", block)[0]: block for block in blocks}


def test_distribution_lists_the_people_by_case(client: Client, caseworker: User) -> None:
    bah = register_case(
        caseworker,
        person_data(family_name="Bah", given_name="Fatoumata"),
        child_data(family_name="Bah", given_name="Sekou"),
    )
    diallo = register_case(caseworker, person_data(family_name="Diallo", given_name="Awa"))
    gone = register_case(caseworker, person_data(family_name="Parti", given_name="Déjà"))
    Case.objects.filter(pk=gone.pk).update(status=CaseStatus.DEPARTED)
    client.force_login(caseworker)
    page = client.get(reverse("cases:distribution")).content.decode()
    blocks = _distribution_cases(page)
    assert list(blocks) == [bah.number, diallo.number]
    mother, son = bah.people.order_by("id")
    for person, label in ((mother, "Demandeur·se principal·e"), (son, "Enfant")):
        assert f'type="checkbox" name="people" value="{person.pk}"' in blocks[bah.number]
        assert f'{person} <span class="text-body-secondary">· {label}</span>' in blocks[bah.number]
    assert "PARTI" not in page
    # The search box filters the list by the case number and the people's names.
    assert 'data-filter-list="#distribution-cases"' in page
    assert re.search(r'<script src="[^"]*js/list_filter\.js"', page)
    assert finders.find("js/list_filter.js")
    search_text = re.findall(r'data-filter-text="([^"]*)"', blocks[bah.number])[0].split()
    assert search_text == [bah.number, "Bah", "Fatoumata", "Bah", "Sekou"]


def test_distribution_records_the_people_checked(client: Client, caseworker: User) -> None:
    bah = register_case(caseworker, person_data(family_name="Bah"), child_data(family_name="Bah"))
    diallo = register_case(caseworker, person_data(family_name="Diallo"))
    chosen = [bah.people.get(relationship="child").pk, diallo.people.get().pk]
    client.force_login(caseworker)
    url = reverse("cases:distribution")
    refused = client.post(url, {"people": chosen, "given_on": "2026-01-10", "quantity": "1"})
    assert refused.status_code == 200
    assert not Assistance.objects.exists()
    # What was checked stays checked while the mistake is put right.
    blocks = _distribution_cases(refused.content.decode())
    for pk in chosen:
        assert f'value="{pk}" id="id_people_{pk}" checked' in "".join(blocks.values())
    response = client.post(
        url, {"people": chosen, "kind": "food_kit", "given_on": "2026-01-10", "quantity": "1"}
    )
    assert response.status_code == 302
    assert set(Assistance.objects.values_list("person_id", flat=True)) == set(chosen)


def test_distribution_query_count_is_the_same_for_1_and_20_cases(
    client: Client, caseworker: User
) -> None:
    client.force_login(caseworker)
    register_case(caseworker, person_data())
    url = reverse("cases:distribution")
    one = _count_queries(client, url)
    for index in range(19):
        register_case(caseworker, person_data(given_name=f"Personne{index}"), child_data())
    assert _count_queries(client, url) == one


# Filters offered -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "offered"),
    [
        ("caseworker", {"office", "assigned_to", "mine"}),
        ("admin_user", {"office", "assigned_to"}),
        ("reintegration_officer", set()),
    ],
)
def test_case_list_offers_the_filters_that_mean_something_to_the_user(
    request: pytest.FixtureRequest, client: Client, fixture: str, offered: set[str]
) -> None:
    client.force_login(request.getfixturevalue(fixture))
    page = client.get(reverse("cases:list")).content.decode()
    shown = {name for name in ("office", "assigned_to", "mine") if f'name="{name}"' in page}
    assert shown == offered
    assert 'name="nationality"' in page
    assert 'name="status"' in page


def test_free_text_keeps_its_own_direction_on_an_arabic_page(
    client: Client, caseworker: User
) -> None:
    # French typed on a right-to-left page ends with its full stop on the right, not the left.
    case = register_case(caseworker, return_reason="Souhaite rentrer à Kinshasa.")
    client.force_login(caseworker)
    page = client.get(
        reverse("cases:detail", args=[case.pk]), headers={"accept-language": "ar"}
    ).content.decode()
    assert 'data-testid="return-reason" dir="auto"' in page
