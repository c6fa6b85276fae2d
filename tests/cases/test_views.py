"""The case pages: who gets what, the conflict on concurrent edits, pinned query counts."""

from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from avrr.models import AuditEvent, User
from avrr.roles import Role
from cases.models import Assistance, Case, CaseStatus
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


# Pinned: a change here is a decision. Both include reading the session and the user,
# and saving the session (savepoint, update, release).
LIST_QUERIES = 10  # + filter choices (2), count, cases, principals
DETAIL_QUERIES = 15  # + case, people, vulnerabilities, records (4), audit, timeline, notes


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
