"""Known people: found before a case number is issued, never disclosed across offices, and
linked across offices only when the office that knows the person confirms."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from avrr.models import AuditEvent, Organisation, User
from avrr.roles import Role
from cases.models import (
    Case,
    CaseStatus,
    DuplicateLinkRequest,
    DuplicateReview,
    LinkRequestStatus,
    Person,
)
from cases.services import (
    duplicate_link,
    duplicate_link_decide,
    duplicate_link_request,
)
from tests.factories import UserFactory, person_data, register_case

KNOWN_NAME = "Kouyaté Mariam"


@pytest.fixture
def oujda_supervisor(office_oujda: Organisation) -> User:
    return UserFactory.create(
        username="supervisor.oujda", role=Role.SUPERVISOR, organisation=office_oujda
    )


@pytest.fixture
def known_in_oujda(other_office_caseworker: User) -> Person:
    """A woman Oujda registered, who went home."""
    case = register_case(
        other_office_caseworker,
        person_data(
            family_name="Kouyaté",
            given_name="Mariam",
            travel_document_number="GN0099",
            birth_date=date(1994, 5, 1),
        ),
        registered_on=date(2025, 2, 3),
    )
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DEPARTED)
    return case.people.get()


def registration(**person: str) -> dict[str, str]:
    data = {
        "registered_on": timezone.localdate().isoformat(),
        "referral_source": "walk_in",
        "priority": "0",
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "1",
        "people-MAX_NUM_FORMS": "15",
        "people-0-relationship": "principal",
        "people-0-family_name": "Kouyate",
        "people-0-given_name": "Mariam",
        "people-0-sex": "F",
        "people-0-birth_year": "1994",
        "people-0-nationality": "GN",
    }
    return data | {f"people-0-{name}": value for name, value in person.items()}


def registered_in_rabat(caseworker: User, **overrides: Any) -> Person:
    values = {
        "family_name": "KOUYATE",
        "given_name": "mariam",
        "birth_date": None,
        "birth_year": 1994,
    }
    return register_case(caseworker, person_data(**{**values, **overrides})).people.get()


# Before the number is issued --------------------------------------------------------


def test_known_people_are_shown_while_the_registration_is_typed(
    client: Client, caseworker: User
) -> None:
    known = registered_in_rabat(caseworker, travel_document_number="GN1234")
    client.force_login(caseworker)
    response = client.post(
        reverse("cases:known_people"),
        registration(**{"given_name": "", "travel_document_number": "gn 1234"}),
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="known-person"' in page
    assert known.case.number in page
    assert not Case.objects.exclude(pk=known.case_id).exists()


def test_nothing_is_looked_up_or_traced_before_a_name_and_nationality_or_a_document(
    client: Client, caseworker: User
) -> None:
    registered_in_rabat(caseworker)
    client.force_login(caseworker)
    response = client.post(
        reverse("cases:known_people"), registration(given_name="", nationality="")
    )
    assert response.content.decode().strip() == ""
    assert not AuditEvent.objects.filter(action="person.duplicate_check").exists()


def test_saving_a_registration_like_a_known_person_asks_to_check_first(
    client: Client, caseworker: User
) -> None:
    known = registered_in_rabat(caseworker)
    client.force_login(caseworker)
    response = client.post(reverse("cases:register"), registration())
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="known-people-check"' in page
    assert known.case.number in page
    assert Case.objects.count() == 1  # no number issued

    confirmed = client.post(
        reverse("cases:register"), registration() | {"known_people_checked": "on"}
    )
    assert confirmed.status_code == 302
    new_case = Case.objects.exclude(pk=known.case_id).get()
    # The match stays to be reviewed on the case page.
    assert new_case.people.get().duplicate_review == DuplicateReview.PENDING


def test_the_registration_check_names_only_the_office_of_a_person_known_elsewhere(
    client: Client, caseworker: User, known_in_oujda: Person
) -> None:
    client.force_login(caseworker)
    response = client.post(
        reverse("cases:known_people"), registration(travel_document_number="GN0099")
    )
    page = response.content.decode()
    assert 'data-testid="known-elsewhere"' in page
    assert known_in_oujda.case.office.name in page
    for disclosed in (known_in_oujda.case.number, "Kouyaté", "1994", "GN0099</"):
        assert disclosed not in page
    event = AuditEvent.objects.get(action="person.duplicate_check")
    assert event.actor == caseworker
    assert event.changes["known_elsewhere"] == [known_in_oujda.case.office.name]


# On the case page -------------------------------------------------------------------


def test_a_match_in_another_office_is_reported_without_personal_data(
    client: Client, caseworker: User, known_in_oujda: Person
) -> None:
    person = registered_in_rabat(caseworker, travel_document_number="GN0099")
    assert person.duplicate_review == DuplicateReview.PENDING
    client.force_login(caseworker)
    page = client.get(reverse("cases:detail", args=[person.case_id])).content.decode()
    assert 'data-testid="known-elsewhere"' in page
    assert known_in_oujda.case.office.name in page
    assert known_in_oujda.case.number not in page
    assert "Kouyaté" not in page  # Oujda's spelling of the name
    assert reverse("cases:duplicate_link_request", args=[person.case_id, person.pk]) in page


def test_the_office_that_knows_the_person_confirms_the_link_and_records_remigration(
    client: Client,
    caseworker: User,
    oujda_supervisor: User,
    known_in_oujda: Person,
) -> None:
    person = registered_in_rabat(caseworker, travel_document_number="GN0099")
    client.force_login(caseworker)
    client.post(reverse("cases:duplicate_link_request", args=[person.case_id, person.pk]))
    link_request = DuplicateLinkRequest.objects.get()
    assert (link_request.person, link_request.known_person) == (person, known_in_oujda)

    client.force_login(oujda_supervisor)
    home = client.get(reverse("home")).content.decode()
    assert reverse("cases:link_request", args=[link_request.pk]) in home
    page = client.get(reverse("cases:link_request", args=[link_request.pk])).content.decode()
    assert person.case.office.name in page
    assert "GN0099" in page
    client.post(reverse("cases:link_request", args=[link_request.pk]), {"answer": "same"})

    person.refresh_from_db()
    assert person.linked_person == known_in_oujda
    assert person.duplicate_review == DuplicateReview.LINKED
    assert person.is_remigration
    link_request.refresh_from_db()
    assert (link_request.status, link_request.decided_by) == (
        LinkRequestStatus.CONFIRMED,
        oujda_supervisor,
    )
    # Both timelines say it; the Rabat page names the office, not Oujda's case.
    assert AuditEvent.objects.filter(action="person.link_confirm").count() == 2
    client.force_login(caseworker)
    page = client.get(reverse("cases:detail", args=[person.case_id])).content.decode()
    assert known_in_oujda.case.office.name in page
    assert known_in_oujda.case.number not in page
    assert "Re-migration" in page


def test_a_declined_request_leaves_the_person_unlinked_and_says_so(
    caseworker: User, oujda_supervisor: User, known_in_oujda: Person
) -> None:
    person = registered_in_rabat(caseworker, travel_document_number="GN0099")
    [link_request] = duplicate_link_request(actor=caseworker, person=person)
    duplicate_link_decide(actor=oujda_supervisor, link_request=link_request, same_person=False)
    person.refresh_from_db()
    assert person.linked_person is None
    assert DuplicateLinkRequest.objects.get().status == LinkRequestStatus.DECLINED
    with pytest.raises(ValidationError, match="déjà reçu une réponse"):
        duplicate_link_decide(actor=oujda_supervisor, link_request=link_request, same_person=True)


def test_only_the_supervisors_of_the_office_that_knows_the_person_answer(
    client: Client,
    caseworker: User,
    supervisor: User,
    other_office_caseworker: User,
    oujda_supervisor: User,
    known_in_oujda: Person,
) -> None:
    person = registered_in_rabat(caseworker, travel_document_number="GN0099")
    [link_request] = duplicate_link_request(actor=caseworker, person=person)
    url = reverse("cases:link_request", args=[link_request.pk])
    for outsider in (caseworker, supervisor, other_office_caseworker):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "same"}).status_code == 404
        with pytest.raises(PermissionDenied):
            duplicate_link_decide(actor=outsider, link_request=link_request, same_person=True)
    # A bad answer changes nothing and says why.
    client.force_login(oujda_supervisor)
    response = client.post(url, {"answer": "maybe"}, follow=True)
    assert "même personne" in response.content.decode()
    link_request.refresh_from_db()
    assert link_request.status == LinkRequestStatus.PENDING


def test_a_person_of_another_office_cannot_be_linked_directly(
    caseworker: User, known_in_oujda: Person
) -> None:
    person = registered_in_rabat(caseworker, travel_document_number="GN0099")
    with pytest.raises(ValidationError, match="pas un doublon proposé"):
        duplicate_link(actor=caseworker, person=person, known_person=known_in_oujda)


def test_no_request_when_no_other_office_knows_a_resembling_person(caseworker: User) -> None:
    known = registered_in_rabat(caseworker)
    person = registered_in_rabat(caseworker)
    assert person.duplicate_review == DuplicateReview.PENDING
    with pytest.raises(ValidationError, match="Aucun autre bureau"):
        duplicate_link_request(actor=caseworker, person=person)
    duplicate_link(actor=caseworker, person=person, known_person=known)
    assert Person.objects.get(pk=person.pk).linked_person == known


def test_a_known_person_who_never_left_makes_no_remigration(
    caseworker: User, oujda_supervisor: User, other_office_caseworker: User
) -> None:
    register_case(other_office_caseworker, person_data(family_name="Kouyaté", given_name="Mariam"))
    person = registered_in_rabat(caseworker, birth_date=date(1995, 3, 14), birth_year=None)
    [link_request] = duplicate_link_request(actor=caseworker, person=person)
    duplicate_link_decide(actor=oujda_supervisor, link_request=link_request, same_person=True)
    person.refresh_from_db()
    assert person.linked_person is not None
    assert not person.is_remigration
