"""The referring NGO is told when the case opened from its referral departs: by e-mail,
through the outbox, in each user's language, with the referral's reference only."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext
from pytest_django import Settings

from avrr.models import Organisation, User
from avrr.roles import Role
from cases.departure.services.movements import (
    CheckData,
    case_book,
    departure_check_update,
    departure_complete,
    exit_authorisation_record,
)
from cases.models import Case
from cases.referrals.models import Referral, ReferralNotification, ReferralStatus
from cases.referrals.selectors import referrals_with_status_shown
from cases.referrals.services import referral_accept, referral_submit
from tests.cases.departure.movements_helpers import (
    agreement_with,
    flight,
    make_ready,
    passports,
    ready_case,
)
from tests.factories import UserFactory, person_data, referral_data

Capture = Callable[..., Any]
SUBJECT_MSGID = "Référencement %(reference)s : %(status)s"


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def outbox(db: None, mailoutbox: list[mail.EmailMessage]) -> list[mail.EmailMessage]:
    return mailoutbox


def depart(actor: User, case: Case) -> Case:
    """The whole case booked, authorised, through departure day, and departed."""
    passports(case, actor)
    tickets = case_book(
        actor=actor,
        movement=flight(actor, destination="CI"),
        case=case,
        agreement=agreement_with(10),
        cost=Decimal(300),
        currency="EUR",
    )
    for ticket in tickets:
        exit_authorisation_record(
            actor=actor,
            ticket=ticket,
            pv_number=f"PV-{ticket.pk}",
            issued_on=timezone.localdate(),
            police_station="Préfecture de police de Rabat",
        )
        departure_check_update(
            actor=actor,
            ticket=ticket,
            data=CheckData(reintegration_documents_signed=True, border_passed=True),
        )
    return departure_complete(actor=actor, case=case)


def test_the_ngo_is_mailed_in_each_users_language_when_the_case_departs(
    django_capture_on_commit_callbacks: Capture,
    outbox: list[mail.EmailMessage],
    caseworker: User,
    ngo_referrer: User,
    ngo: Organisation,
    office_rabat: Organisation,
) -> None:
    english = UserFactory.create(
        username="ngo.en", role=Role.NGO_REFERRER, organisation=ngo, language="en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
        case = make_ready(caseworker, referral_accept(actor=caseworker, referral=referral))
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        depart(caseworker, case)

    by_recipient = {message.to[0]: message for message in outbox}
    assert set(by_recipient) == {ngo_referrer.email, english.email}
    for user in (ngo_referrer, english):
        with translation.override(user.language):
            expected = gettext(SUBJECT_MSGID) % {
                "reference": referral.reference,
                "status": ReferralStatus.DEPARTED.label,
            }
        assert by_recipient[user.email].subject == expected
    for message in outbox:
        for personal in ("Konaté", "KONATÉ", "Aminata", "Moussa"):
            assert personal not in str(message.subject) + str(message.body)
    assert ReferralNotification.objects.filter(referral=referral, status="departed").exists()
    shown = referrals_with_status_shown(
        Referral.objects.filter(pk=referral.pk), as_referring_organisation=True
    ).get()
    assert shown.status_shown_label == str(ReferralStatus.DEPARTED.label)


def test_a_case_not_opened_from_a_referral_mails_nobody(
    django_capture_on_commit_callbacks: Capture,
    outbox: list[mail.EmailMessage],
    caseworker: User,
    ngo_referrer: User,
) -> None:
    case = ready_case(caseworker, person_data())
    with django_capture_on_commit_callbacks(execute=True):
        depart(caseworker, case)
    assert outbox == []
