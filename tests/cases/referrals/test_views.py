"""The referral pages: who reaches what, consent, triage, bulk upload and query counts."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from avrr.models import Organisation, User
from avrr.roles import Role
from cases.models import Case, CaseStatus
from cases.referrals.models import Referral, ReferralStatus
from cases.referrals.services import referral_submit
from tests.cases.referrals.spreadsheets import template_csv
from tests.factories import UserFactory, person_data, referral_data, register_case


@pytest.fixture
def referral(
    ngo_referrer: User, office_rabat: Organisation, settings: Settings, tmp_path: Path
) -> Referral:
    settings.MEDIA_ROOT = tmp_path
    referral, _created = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    return referral


def _pages(referral: Referral) -> list[str]:
    return [
        reverse("referrals:detail", args=[referral.pk]),
        reverse("referrals:edit", args=[referral.pk]),
    ]


def _actions(referral: Referral) -> list[str]:
    return [
        reverse(f"referrals:{name}", args=[referral.pk])
        for name in ("review", "accept", "decline", "withdraw")
    ]


@pytest.mark.parametrize(
    "outsider",
    [
        "other_office_caseworker",
        "ministry_focal_point",
        "reintegration_officer",
        "other_ngo_referrer",
    ],
)
def test_outsiders_get_404(
    client: Client, referral: Referral, outsider: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(outsider))
    for url in _pages(referral):
        assert client.get(url).status_code == 404, url
    for url in _actions(referral):
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.fixture
def other_ngo_referrer(other_ngo: Organisation) -> User:
    return UserFactory.create(username="ngo.two", role=Role.NGO_REFERRER, organisation=other_ngo)


def test_other_ngo_lists_nothing(
    client: Client, referral: Referral, other_ngo_referrer: User
) -> None:
    client.force_login(other_ngo_referrer)
    response = client.get(reverse("referrals:list"))
    assert response.status_code == 200
    assert referral.reference not in response.content.decode()


@pytest.mark.parametrize("role_fixture", ["ministry_focal_point", "reintegration_officer"])
def test_roles_without_referrals_are_refused(
    client: Client, role_fixture: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("referrals:list")).status_code == 403
    assert client.get(reverse("referrals:new")).status_code == 403
    assert client.get(reverse("referrals:bulk")).status_code == 403


def test_caseworker_cannot_submit(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    assert client.get(reverse("referrals:new")).status_code == 403


def test_ngo_sees_its_status_but_not_the_case(
    client: Client, referral: Referral, ngo_referrer: User, caseworker: User
) -> None:
    client.force_login(caseworker)
    response = client.post(reverse("referrals:accept", args=[referral.pk]))
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    ngo_client = Client()
    ngo_client.force_login(ngo_referrer)
    page = ngo_client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Accepté" in page
    assert case.number not in page
    assert ngo_client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_ngo_finds_a_departed_referral_by_the_status_it_is_shown(
    client: Client, referral: Referral, ngo_referrer: User, caseworker: User
) -> None:
    client.force_login(caseworker)
    client.post(reverse("referrals:accept", args=[referral.pk]))
    Case.objects.update(status=CaseStatus.DEPARTED)
    client.force_login(ngo_referrer)
    url = reverse("referrals:list")

    def listed(status: str) -> list[str]:
        page = client.get(url, {"status": status}).content.decode()
        return [reference for reference in [referral.reference] if reference in page]

    assert listed(ReferralStatus.DEPARTED) == [referral.reference]
    assert listed(ReferralStatus.ACCEPTED) == []
    assert "Parti" in client.get(url).content.decode()


def test_decline_needs_a_reason_the_ngo_reads(
    client: Client, referral: Referral, ngo_referrer: User, caseworker: User
) -> None:
    client.force_login(caseworker)
    url = reverse("referrals:decline", args=[referral.pk])
    client.post(url, {"reason": ""})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    client.post(url, {"reason": "Relève du HCR : demande d'asile en cours."})
    client.force_login(ngo_referrer)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Refusé" in page
    assert "Relève du HCR" in page


def test_submission_without_consent_is_refused(
    client: Client, ngo_referrer: User, office_rabat: Organisation
) -> None:
    client.force_login(ngo_referrer)
    form = {
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-0-relationship": "principal",
        "people-0-family_name": "Sow",
        "people-0-given_name": "Mariam",
        "people-0-sex": "F",
        "people-0-age": "30",
        "people-0-nationality": "SN",
        "office": str(office_rabat.pk),
        "urgency": "0",
        "reason": "Souhaite rentrer.",
        "consent_given_on": "2026-01-05",
        "consent_taken_by": "Fatou Diallo",
    }
    response = client.post(reverse("referrals:new"), form)
    assert response.status_code == 200
    assert "Sans le consentement de la personne" in response.content.decode()
    assert not Referral.objects.exists()
    response = client.post(reverse("referrals:new"), form | {"consent": "on"})
    assert response.status_code == 302
    assert Referral.objects.get().people.get().family_name == "Sow"


def test_bulk_upload_reports_every_faulty_row_and_saves_nothing(
    client: Client, ngo_referrer: User, office_rabat: Organisation
) -> None:
    client.force_login(ngo_referrer)
    lines = template_csv().splitlines()
    header, good = lines[0], lines[1]
    bad_sex = good.replace(";F;", ";X;", 1)
    content = "\n".join([header, good, bad_sex, bad_sex]).encode()
    upload = SimpleUploadedFile("referrals.csv", content, "text/csv")
    response = client.post(reverse("referrals:bulk"), {"file": upload})
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert sorted({error.row for error in errors}) == [3, 4]
    assert not Referral.objects.exists()


def test_bulk_template_downloads(client: Client, ngo_referrer: User) -> None:
    client.force_login(ngo_referrer)
    response = client.get(reverse("referrals:template"))
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


def test_inbox_query_count_is_the_same_for_1_and_20_referrals(
    client: Client,
    referral: Referral,
    caseworker: User,
    ngo_referrer: User,
    office_rabat: Organisation,
) -> None:
    client.force_login(caseworker)
    url = reverse("referrals:list")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    for _ in range(19):
        referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    assert count() == one


def test_referred_people_vulnerabilities_are_shown_by_their_labels(
    client: Client, caseworker: User, ngo_referrer: User, office_rabat: Organisation
) -> None:
    data = referral_data(office_rabat)
    data.people[0].vulnerabilities = ["pregnant", "single_parent"]
    referral, _created = referral_submit(actor=ngo_referrer, data=data)
    for viewer in (caseworker, ngo_referrer):
        client.force_login(viewer)
        page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
        assert ">Femme enceinte</span>" in page
        assert ">Parent isolé</span>" in page
        assert ">pregnant<" not in page


# The inbox: who is referred ------------------------------------------------------------


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-testid="referral-row">.*?</tr>', page, re.DOTALL)


def _cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
    ]


@pytest.mark.parametrize("viewer", ["caseworker", "ngo_referrer"])
def test_inbox_shows_the_principal_person_nationality_and_household(
    request: pytest.FixtureRequest,
    client: Client,
    viewer: str,
    ngo_referrer: User,
    office_rabat: Organisation,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = referral_data(office_rabat)
    data.people.reverse()  # the child first: the principal person is found, not the first
    referral, _created = referral_submit(actor=ngo_referrer, data=data)
    client.force_login(request.getfixturevalue(viewer))
    (row,) = _rows(client.get(reverse("referrals:list")).content.decode())
    cells = _cells(row)
    assert cells[:4] == [referral.reference, "KONATÉ Aminata", "Côte d&#x27;Ivoire", "2"]


def test_inbox_query_count_is_the_same_for_1_and_50_referrals(
    client: Client,
    caseworker: User,
    ngo_referrer: User,
    office_rabat: Organisation,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = reverse("referrals:list")

    def count(user: User) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert "KONATÉ Aminata" in page
        return len(queries)

    referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    with_one = [count(caseworker), count(ngo_referrer)]
    for _ in range(49):
        referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    assert [count(caseworker), count(ngo_referrer)] == with_one


# Filters left empty --------------------------------------------------------------------

REFERRAL_FILTERS = ["status", "urgency", "organisation", "submitted_after", "submitted_before"]


@pytest.mark.parametrize("viewer", ["caseworker", "ngo_referrer"])
def test_every_referral_filter_left_empty_means_any(
    request: pytest.FixtureRequest, client: Client, viewer: str, referral: Referral
) -> None:
    client.force_login(request.getfixturevalue(viewer))
    response = client.get(reverse("referrals:list"), dict.fromkeys([*REFERRAL_FILTERS, "page"], ""))
    assert not response.context["filter"].errors
    assert [row.pk for row in response.context["page"]] == [referral.pk]
    api = client.get("/api/v1/referrals/", dict.fromkeys(REFERRAL_FILTERS, ""))
    assert api.status_code == 200, api.content
    assert [row["id"] for row in api.json()["results"]] == [referral.pk]


# The referral form ---------------------------------------------------------------------


def test_referral_form_takes_no_nationality_by_default(client: Client, ngo_referrer: User) -> None:
    client.force_login(ngo_referrer)
    page = client.get(reverse("referrals:new")).content.decode()
    start = page.index('name="people-0-nationality"')
    select = page[start : page.index("</select>", start)]
    assert re.search(
        r'<option value="" selected>—</option>\s*<optgroup label="Principales nationalités">',
        select,
    )
    assert '<optgroup label="Autres pays">' in select
    assert "Sahara occidental" not in page


def test_known_people_are_shown_before_a_referral_is_accepted(
    client: Client,
    caseworker: User,
    supervisor: User,
    ngo_referrer: User,
    office_rabat: Organisation,
) -> None:
    known = register_case(
        caseworker,
        person_data(
            family_name="KONATE",
            given_name="aminata",
            nationality="CI",
            birth_date=None,
            birth_year=1996,
        ),
    )
    referral, _created = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    client.force_login(supervisor)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'data-testid="known-person"' in page
    assert known.number in page
    assert Case.objects.count() == 1
