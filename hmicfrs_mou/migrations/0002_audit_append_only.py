"""The database itself refuses to change or remove audit events.

PostgreSQL refuses UPDATE and DELETE. SQLite refuses UPDATE; DELETE stays
possible there because Django's test flush empties tables with DELETE (on
PostgreSQL it uses TRUNCATE, which this trigger does not cover).
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION hmicfrs_mou_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER hmicfrs_mou_auditevent_append_only
    BEFORE UPDATE OR DELETE ON hmicfrs_mou_auditevent
    FOR EACH ROW EXECUTE FUNCTION hmicfrs_mou_audit_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS hmicfrs_mou_auditevent_append_only ON hmicfrs_mou_auditevent;
DROP FUNCTION IF EXISTS hmicfrs_mou_audit_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER IF NOT EXISTS hmicfrs_mou_auditevent_no_update
BEFORE UPDATE ON hmicfrs_mou_auditevent
BEGIN
    SELECT RAISE(ABORT, 'The audit trail is append-only: UPDATE refused');
END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS hmicfrs_mou_auditevent_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # No parameters: the % in the message is PL/pgSQL's, not a placeholder.
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("hmicfrs_mou", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
