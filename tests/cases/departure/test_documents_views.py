"""The travel-document pages: the case page's section and its forms, the follow-up list
and the request letter, who gets what, and their pinned query counts."""

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader
from pytest_django import Settings

from avrr.models import AuditEvent, User
from cases.departure.models import Embassy, LpcRequest, LpcStatus
from cases.departure.services.documents import lpc_issue, lpc_request, passport_record
from cases.models import Case, CaseStatus, Person
from cases.services import sensitive_note_add
from tests.factories import child_data, person_data, register_case


def _pdf_text(content: bytes) -> str:
    """The PDF's text, each run of spaces and line breaks (a table cell's) as one space."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The case page's section --------------------------------------------------------------


def test_the_case_page_shows_each_persons_documents_and_requests(
    client: Client,
    caseworker: User,
    household: Case,
    mother: Person,
    son: Person,
    guinea_embassy: Embassy,
    today: date,
) -> None:
    passport_record(
        actor=caseworker,
        person=mother,
        number="GN555",
        issuing_country="GN",
        expires_on=today + timedelta(days=100),
    )
    request = lpc_request(actor=caseworker, person=son, embassy=guinea_embassy, requested_on=today)
    client.force_login(caseworker)
    page = client.get(reverse("cases:detail", args=[household.pk])).content.decode()
    assert 'data-testid="travel-documents"' in page
    assert "GN555" in page
    assert "Aucun document de voyage valable" in page  # the son's
    assert "Laissez-passer : Demandé" in page
    assert reverse("departure:lpc_issue", args=[request.pk]) in page
    assert reverse("departure:passport_add", args=[household.pk]) in page


def test_a_laissez_passer_is_requested_and_issued_through_the_pages(
    client: Client, caseworker: User, household: Case, son: Person, guinea_embassy: Embassy
) -> None:
    client.force_login(caseworker)
    response = client.post(
        reverse("departure:lpc_request_add", args=[household.pk]),
        {"person": son.pk, "embassy": guinea_embassy.pk, "requested_on": "02/01/2026"},
    )
    assert response.status_code == 302
    request = LpcRequest.objects.get(person=son)
    assert request.requested_on == date(2026, 1, 2)
    response = client.post(
        reverse("departure:lpc_issue", args=[request.pk]),
        {"number": "lp-42", "issued_on": "20/01/2026", "expires_on": "20/07/2026"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == LpcStatus.ISSUED
    assert request.document is not None
    assert request.document.number == "LP-42"


def test_a_refused_step_is_said_on_the_form(
    client: Client, caseworker: User, household: Case, mother: Person, guinea_embassy: Embassy
) -> None:
    request = lpc_request(
        actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=date(2026, 1, 10)
    )
    client.force_login(caseworker)
    response = client.post(
        reverse("departure:lpc_interview", args=[request.pk]), {"interview_on": "05/01/2026"}
    )
    assert response.status_code == 200
    assert "L&#x27;entretien ne peut pas précéder la demande." in response.content.decode()


def test_a_case_of_another_office_is_not_found_and_a_mission_may_not_write(
    client: Client,
    caseworker: User,
    other_office_caseworker: User,
    reintegration_officer: User,
    household: Case,
    mother: Person,
    guinea_embassy: Embassy,
) -> None:
    request = lpc_request(
        actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=date(2026, 1, 10)
    )
    urls = [
        reverse("departure:passport_add", args=[household.pk]),
        reverse("departure:lpc_request_add", args=[household.pk]),
        *(
            reverse(f"departure:lpc_{step}", args=[request.pk])
            for step in ("interview", "issue", "refuse", "expire")
        ),
    ]
    client.force_login(other_office_caseworker)
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    # A mission abroad sees a returned case, never its travel documents.
    Case.objects.filter(pk=household.pk).update(status=CaseStatus.DEPARTED)
    client.force_login(reintegration_officer)
    page = client.get(reverse("cases:detail", args=[household.pk]))
    assert page.status_code == 200
    assert 'data-testid="travel-documents"' not in page.content.decode()
    assert client.get(reverse("departure:lpc_follow_up")).status_code == 403
    assert client.get(reverse("departure:lpc_letter")).status_code == 403


# The follow-up list -------------------------------------------------------------------


def test_the_follow_up_lists_unanswered_requests_per_embassy_oldest_first(
    client: Client,
    caseworker: User,
    other_office_caseworker: User,
    guinea_embassy: Embassy,
    today: date,
    settings: Settings,
) -> None:
    settings.LPC_FOLLOW_UP_DAYS = 10

    def requested(given_name: str, nationality: str, days: int, actor: User = caseworker) -> None:
        case = register_case(actor, person_data(given_name=given_name, nationality=nationality))
        person = case.people.get()
        lpc_request(
            actor=actor,
            person=person,
            embassy=Embassy.objects.get(country=nationality),
            requested_on=today - timedelta(days=days),
        )

    requested("Recent", "GN", 9)
    requested("Ancienne", "GN", 30)
    requested("Moyenne", "GN", 12)
    requested("Senegal", "SN", 40)
    requested("Oujda", "GN", 50, other_office_caseworker)
    answered = register_case(caseworker, person_data(given_name="Repondue"))
    lpc_issue(
        actor=caseworker,
        request=lpc_request(
            actor=caseworker,
            person=answered.people.get(),
            embassy=guinea_embassy,
            requested_on=today - timedelta(days=60),
        ),
        number="LP7",
        issued_on=today,
        expires_on=today + timedelta(days=30),
    )
    client.force_login(caseworker)
    groups = client.get(reverse("departure:lpc_follow_up")).context["groups"]
    assert [
        (str(group.embassy.country), [str(r.person.given_name) for r in group.requests])
        for group in groups
    ] == [("SN", ["Senegal"]), ("GN", ["Ancienne", "Moyenne"])]


def test_follow_up_query_count_is_the_same_for_1_and_50_requests(
    client: Client, caseworker: User, guinea_embassy: Embassy, today: date
) -> None:
    def add(index: int) -> None:
        case = register_case(caseworker, person_data(given_name=f"Personne{index}"))
        lpc_request(
            actor=caseworker,
            person=case.people.get(),
            embassy=guinea_embassy,
            requested_on=today - timedelta(days=30),
        )

    add(0)
    client.force_login(caseworker)
    url = reverse("departure:lpc_follow_up")
    one = _queries(client, url)
    for index in range(1, 50):
        add(index)
    # Sign-in (6) and the requests with their embassies, people and cases (1).
    assert _queries(client, url) == one == 7


# The request letter -------------------------------------------------------------------


def test_the_letter_lists_the_people_and_nothing_sensitive(
    client: Client,
    caseworker: User,
    guinea_embassy: Embassy,
    today: date,
) -> None:
    household = register_case(
        caseworker,
        person_data(
            given_name="Mariama",
            vulnerabilities=["trafficking_victim"],
            travel_document_number="OLD-PASS-1",
            id_document_number="HCR-123-ASILE",
        ),
        child_data(given_name="Ibrahima"),
        return_reason="Demande d'asile rejetée, menaces au pays.",
    )
    mother = household.people.get(relationship="principal")
    passport_record(
        actor=caseworker,
        person=mother,
        number="GN777",
        issuing_country="GN",
        expires_on=today - timedelta(days=10),
    )
    sensitive_note_add(
        actor=caseworker, case=household, kind="trafficking", text="Réseau de traite à Oujda"
    )
    other = register_case(
        caseworker,
        person_data(family_name="Bah", given_name="Alpha"),
        child_data(family_name="Bah", given_name="Awa", nationality="CI"),
    )
    client.force_login(caseworker)
    url = f"{reverse('departure:lpc_letter')}?embassy={guinea_embassy.pk}"
    page = client.get(url)
    assert [case.pk for case in page.context["candidates"]] == sorted(
        [household.pk, other.pk], key=lambda pk: Case.objects.get(pk=pk).number
    )
    response = client.post(url, {"cases": [household.pk, other.pk]})
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for shown in ("CAMARA Mariama", "CAMARA Ibrahima", "BAH Alpha", "GN777", "OLD-PASS-1"):
        assert shown in text
    assert "14/03/1995" in text
    assert "Guinée" in text
    # Nobody of another nationality, nothing of asylum, protection, notes or vulnerabilities.
    for hidden in ("BAH Awa", "HCR-123", "asile", "traite", "Traite", "Réseau", "menaces"):
        assert hidden not in text
    assert AuditEvent.objects.filter(action="lpc.letter").count() == 2


def test_the_letter_to_an_anglophone_embassy_is_in_english(
    client: Client, caseworker: User, nigeria_embassy: Embassy
) -> None:
    case = register_case(caseworker, person_data(family_name="Okafor", nationality="NG"))
    client.force_login(caseworker)
    url = f"{reverse('departure:lpc_letter')}?embassy={nigeria_embassy.pk}"
    response = client.post(url, {"cases": [case.pk]})
    reader = PdfReader(io.BytesIO(response.content))
    assert str(reader.root_object["/Lang"]) == "en"
    text = _pdf_text(response.content)
    assert "OKAFOR" in text
    assert "Nigeria" in text
    assert "Nigéria" not in text


def test_the_letter_refuses_a_case_that_is_not_among_the_candidates(
    client: Client, caseworker: User, other_office_caseworker: User, guinea_embassy: Embassy
) -> None:
    elsewhere = register_case(other_office_caseworker, person_data())
    client.force_login(caseworker)
    url = f"{reverse('departure:lpc_letter')}?embassy={guinea_embassy.pk}"
    response = client.post(url, {"cases": [elsewhere.pk]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="lpc.letter").exists()


def test_letter_page_query_count_is_the_same_for_1_and_50_cases(
    client: Client, caseworker: User, guinea_embassy: Embassy
) -> None:
    register_case(caseworker, person_data(given_name="Premier"))
    client.force_login(caseworker)
    url = f"{reverse('departure:lpc_letter')}?embassy={guinea_embassy.pk}"
    one = _queries(client, url)
    for index in range(49):
        register_case(caseworker, person_data(given_name=f"Personne{index}"), child_data())
    # Sign-in (6), the embassies offered (1), the one chosen (1), cases and their people (2).
    assert _queries(client, url) == one == 10


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_pages_render_in_each_language(
    client: Client,
    caseworker: User,
    household: Case,
    mother: Person,
    guinea_embassy: Embassy,
    language: str,
) -> None:
    lpc_request(
        actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=date(2026, 1, 1)
    )
    client.force_login(caseworker)
    client.cookies["django_language"] = language
    for url in (
        reverse("cases:detail", args=[household.pk]),
        reverse("departure:lpc_follow_up"),
        f"{reverse('departure:lpc_letter')}?embassy={guinea_embassy.pk}",
        reverse("departure:passport_add", args=[household.pk]),
        reverse("departure:lpc_request_add", args=[household.pk]),
    ):
        assert client.get(url).status_code == 200
