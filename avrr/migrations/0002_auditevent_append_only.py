"""On PostgreSQL the database itself refuses to change or delete an audit event."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION avrr_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER avrr_auditevent_append_only
    BEFORE UPDATE OR DELETE ON avrr_auditevent
    FOR EACH ROW EXECUTE FUNCTION avrr_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS avrr_auditevent_append_only ON avrr_auditevent;
DROP FUNCTION IF EXISTS avrr_auditevent_append_only();
"""


def create_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("avrr", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
