"""The demo cases: beside the 300 cases, distribution days and sensitive notes, all written
through the services."""

from collections import Counter
from pathlib import Path

from pytest_django import Settings

from avrr.demo import demo_seed
from avrr.models import AuditEvent
from cases import access
from cases.demo import (
    CASE_COUNT,
    DISTRIBUTION_DAYS,
    SENSITIVE_NOTES,
    demo_cases_load,
)
from cases.models import Assistance, Case, Distribution, SensitiveNote, Vulnerability


def test_the_demo_cases_come_with_distribution_days_and_sensitive_notes(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    """One test: the cases loader takes about 20 seconds."""
    settings.MEDIA_ROOT = tmp_path  # the signed declarations' scans
    demo_seed()
    summary = demo_cases_load()

    assert summary.startswith(f"Demo cases: {CASE_COUNT} cases, ")
    check_distribution_days(summary)
    check_sensitive_notes(summary)
    assert demo_cases_load() == (
        f"Demo cases: {CASE_COUNT} cases already exist in the demo offices, none created."
    )
    assert Distribution.objects.count() == 2 * len(DISTRIBUTION_DAYS)


def check_distribution_days(summary: str) -> None:
    """Each office's days, to households of that office, each assistance audited."""
    days = Distribution.objects.select_related("office")
    assert Counter(day.office.code for day in days) == {
        "RBA": len(DISTRIBUTION_DAYS),
        "OUJ": len(DISTRIBUTION_DAYS),
    }
    for day in days:
        given = Assistance.objects.filter(distribution=day).select_related("case")
        assert given.count() >= 12
        assert {assistance.case.office_id for assistance in given} == {day.office_id}
        assert {(assistance.kind, assistance.given_on) for assistance in given} == {
            (day.kind, day.given_on)
        }
    # Each assistance handed out went through `assistance_record`, into the case's timeline.
    handed_out = Assistance.objects.filter(distribution__isnull=False)
    audited = AuditEvent.objects.filter(
        action="assistance.create",
        target_id__in=[str(pk) for pk in handed_out.values_list("pk", flat=True)],
    )
    assert audited.count() == handed_out.count()
    assert f"{len(days)} distribution days" in summary


def check_sensitive_notes(summary: str) -> None:
    """Notes where a vulnerability calls for one, by the case's caseworker, audited."""
    notes = list(SensitiveNote.objects.select_related("case", "author"))
    assert {note.kind for note in notes} == set(SensitiveNote.Kind.values)
    calling = {(kind, code) for kind, code, _share, _texts in SENSITIVE_NOTES}
    for note in notes:
        codes = set(Vulnerability.objects.filter(case=note.case).values_list("code", flat=True))
        assert any((note.kind, code) in calling for code in codes), note.text
        # Written by the case's own caseworker, who may read it.
        assert note.author == note.case.assigned_to
        assert access.can_see_sensitive_notes(note.author, note.case)
    assert len(notes) < Case.objects.count() / 3  # some cases, not most
    events = AuditEvent.objects.filter(action="sensitive_note.create")
    assert sorted(events.values_list("target_id", flat=True)) == sorted(
        str(note.pk) for note in notes
    )
    assert f"{len(notes)} sensitive notes" in summary
