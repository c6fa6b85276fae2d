"""The lines of the case timeline: one description per audit action, from any app."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import Settings

from avrr.models import AuditEvent, Organisation, User
from cases import timeline
from cases.referrals.models import ReferralStatus
from cases.referrals.services import referral_accept, referral_submit
from cases.timeline import describe, register_description
from tests.factories import referral_data

# Audited by cases/services.py but never shown in the timeline (selectors.case_timeline).
# Traces that belong to no case: openings, and the look-ups made before a case exists.
NOT_IN_TIMELINE = {"case.view", "person.duplicate_check"}


@pytest.fixture
def restored_descriptions(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a test registers is gone after it."""
    monkeypatch.setattr(timeline, "_descriptions", dict(timeline._descriptions))


def event(action: str, **changes: Any) -> AuditEvent:
    return AuditEvent(action=action, changes=changes)


def audited_actions() -> set[str]:
    """Every action cases/services.py writes: `_audit(actor, "…"` or `action="…"`."""
    source = (Path(settings.BASE_DIR) / "cases" / "services.py").read_text()
    return set(re.findall(r'(?:_audit\(\s*\w+,\s*|action=)"([\w.]+)"', source))


def test_every_action_of_the_case_services_has_a_description() -> None:
    actions = audited_actions()
    assert {"case.create", "case.transition", "attachment.view", "case.view"} <= actions
    for action in sorted(actions - NOT_IN_TIMELINE):
        assert action in timeline._descriptions, action
        text = describe(event(action))
        assert text, action
        assert action not in text


@pytest.mark.parametrize(
    ("action", "changes", "expected"),
    [
        ("case.create", {"number": "RBA-2026-00001"}, "Dossier ouvert."),
        ("case.update", {"priority": [0, 2]}, "Dossier modifié."),
        ("case.assign", {"assigned_to": ["a", "b"]}, "Dossier réassigné."),
        (
            "case.transition",
            {"status": ["registered", "assisting"], "reason": ""},
            "Statut : Enregistré → En assistance.",
        ),
        (
            "case.transition",
            {"status": ["assisting", "withdrawn"], "reason": "Reste au Maroc"},
            "Statut : En assistance → Désisté. Motif : Reste au Maroc",
        ),
        ("person.create", {}, "Personne ajoutée."),
        ("person.update", {"phone": ["", "0612"]}, "Fiche d'une personne modifiée."),
        (
            "person.duplicate_link",
            {"linked_case": "RBA-2025-00042"},
            "Personne liée à un dossier existant (RBA-2025-00042).",
        ),
        ("person.duplicate_dismiss", {}, "Doublon possible écarté."),
        ("assistance.create", {"kind": "food_kit"}, "Assistance : Kit alimentaire."),
        ("counselling.create", {}, "Séance de conseil."),
        ("declaration.create", {}, "Déclaration de retour volontaire enregistrée."),
        ("attachment.create", {"kind": "other"}, "Pièce jointe ajoutée."),
        ("attachment.view", {}, "Pièce jointe consultée."),
        ("sensitive_note.create", {"kind": "medical"}, "Note sensible ajoutée."),
        ("something.else", {"x": 1}, "something.else"),
    ],
)
def test_the_descriptions_of_the_case_actions(
    action: str, changes: dict[str, Any], expected: str
) -> None:
    assert describe(event(action, **changes)) == expected


def test_descriptions_are_translated_when_shown() -> None:
    with translation.override("en"):
        assert describe(event("case.create")) == "Case opened."


@pytest.mark.usefixtures("restored_descriptions")
def test_a_description_registered_by_another_app_is_used() -> None:
    def departure_booked(event: AuditEvent) -> str:
        return f"Départ réservé ({event.changes['flight']})."

    assert describe(event("departure.book", flight="AT 551")) == "departure.book"
    register_description("departure.book", departure_booked)
    register_description("departure.book", departure_booked)  # the same again: no change
    assert describe(event("departure.book", flight="AT 551")) == "Départ réservé (AT 551)."
    with pytest.raises(ValueError, match="already has a description"):
        register_description("departure.book", lambda event: "Autre")
    with pytest.raises(ValueError, match="already has a description"):
        register_description("case.create", lambda event: "Autre")
    assert describe(event("case.create")) == "Dossier ouvert."


# The referrals app's own: a referral's status in the case opened from it ----------------


def test_the_referral_status_shows_its_label() -> None:
    for status in ReferralStatus:
        text = describe(event("referral.status", status=["under_review", status.value]))
        assert text == f"Référencement : {status.label}."


@pytest.mark.django_db
def test_an_accepted_referral_shows_in_the_case_timeline_by_its_label(
    client: Client,
    caseworker: User,
    ngo_referrer: User,
    office_rabat: Organisation,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    referral, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    case = referral_accept(actor=caseworker, referral=referral)
    (accepted,) = AuditEvent.objects.filter(action="referral.status", scope_id=str(case.pk))
    assert accepted.changes == {"status": ["submitted", "accepted"]}

    client.force_login(caseworker)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Référencement : Accepté." in page
    assert "referral.status" not in page
