"""Referrals moved from the `cases` app to their own: every row stays, and so does the trail;
the counters of case numbers and referral references became named series of `avrr`.

The database is taken back to the last migration before the move, filled as the old code
filled it, then migrated forward.
"""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from avrr.models import AuditEvent, Sequence
from cases.models import Case
from cases.referrals.models import IdempotencyRecord, Referral, ReferralNotification
from cases.referrals.services import REFERRAL_REFERENCES
from cases.services import CASE_NUMBERS

BEFORE_THE_MOVE = [("cases", "0005_vulnerability_case"), ("referrals", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh graph, as the next command would read it


@pytest.mark.django_db(transaction=True)
def test_referrals_keep_their_rows_people_case_trail_and_numbering() -> None:
    executor = _migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(
        [("cases", "0005_vulnerability_case"), ("contenttypes", "0002_remove_content_type_name")]
    ).apps
    organisation = old.get_model("avrr", "Organisation")
    office = organisation.objects.create(name="OIM Rabat", code="RBA", kind="iom_office")
    ngo = organisation.objects.create(name="ONG", code="ASM", kind="ngo")
    user = old.get_model("avrr", "User").objects.create(
        username="ong", role="ngo_referrer", organisation=ngo
    )
    case = old.get_model("cases", "Case").objects.create(number="MA-RBA-2026-000001", office=office)
    referral = old.get_model("cases", "Referral").objects.create(
        reference="REF-ASM-2026-00001",
        organisation=ngo,
        office=office,
        submitted_by=user,
        status="accepted",
        reason="Souhaite rentrer.",
        consent_given_on=date(2026, 1, 10),
        consent_taken_by="Fatou Diallo",
        case=case,
    )
    old.get_model("cases", "ReferredPerson").objects.create(
        referral=referral, family_name="Diallo", given_name="Awa", sex="F", nationality="GN"
    )
    old.get_model("cases", "ReferralNotification").objects.create(
        referral=referral, status="accepted", recipients=1
    )
    old.get_model("cases", "IdempotencyRecord").objects.create(
        organisation=ngo, key="k-1", request_hash="h", referral=referral
    )
    counter = old.get_model("cases", "CaseNumberSequence").objects
    counter.create(office=office, year=2026, last_value=1)
    counter.create(office=ngo, year=2026, last_value=7)
    old_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="cases", model="referral"
    )[0]
    old.get_model("avrr", "AuditEvent").objects.create(
        action="referral.submit", target_type_id=old_type.pk, target_id=str(referral.pk)
    )

    _migrate(executor.loader.graph.leaf_nodes())

    moved = Referral.objects.get(reference="REF-ASM-2026-00001")
    assert moved.pk == referral.pk
    assert moved.case == Case.objects.get(number="MA-RBA-2026-000001")
    assert [str(person) for person in moved.people.all()] == ["DIALLO Awa"]
    assert ReferralNotification.objects.filter(referral=moved, status="accepted").exists()
    assert IdempotencyRecord.objects.get(key="k-1").referral == moved
    event = AuditEvent.objects.get(action="referral.submit")
    assert event.target_type is not None
    assert event.target_type.pk == old_type.pk
    assert event.target_type.model_class() is Referral
    assert not ContentType.objects.filter(app_label="cases", model="referral").exists()
    assert set(
        Sequence.objects.values_list("organisation__code", "name", "year", "last_value")
    ) == {
        ("RBA", CASE_NUMBERS, 2026, 1),
        ("ASM", REFERRAL_REFERENCES, 2026, 7),
    }
