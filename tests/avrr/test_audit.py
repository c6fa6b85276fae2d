import pytest
from django.db import DatabaseError, connection, transaction

from avrr.models import AppendOnlyError, AuditEvent, User
from avrr.services import audit_record


def test_record_names_actor_and_target(caseworker: User, supervisor: User) -> None:
    event = audit_record(
        actor=supervisor, action="user.change", target=caseworker, changes={"role": "x"}
    )
    assert event.actor_username == "supervisor"
    assert event.target_type is not None
    assert event.target_type.model_class() is User
    assert event.target_id == str(caseworker.pk)


def test_events_cannot_be_changed_or_deleted_through_the_orm(caseworker: User) -> None:
    event = audit_record(actor=caseworker, action="test.event")
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE avrr_auditevent SET action = 'tampered'",
        "DELETE FROM avrr_auditevent",
    ],
)
def test_postgresql_refuses_changes_in_sql(
    postgres: None, caseworker: User, statement: str
) -> None:
    audit_record(actor=caseworker, action="test.event")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.filter(action="test.event").count() == 1
