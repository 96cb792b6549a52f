"""The access log is append-only in the database too (DESIGN.md §9): on PostgreSQL a
trigger refuses UPDATE and DELETE of its rows, whatever code runs. SQLite (the embedded
development default) relies on the model's own refusal."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION clients_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'clients_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clients_accesslog_append_only
    BEFORE UPDATE OR DELETE ON clients_accesslog
    FOR EACH ROW EXECUTE FUNCTION clients_accesslog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS clients_accesslog_append_only ON clients_accesslog;
DROP FUNCTION IF EXISTS clients_accesslog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
