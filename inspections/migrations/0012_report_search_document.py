"""Each report's search document on PostgreSQL, kept in its row: its title, summary and findings as one
weighted text-search vector (inspections/search.py).

A search then takes the newest reports that match from the reports' newest-first index, testing each row's
own vector, and stops at `SEARCH_CANDIDATES`: its cost follows the candidates read, not every report or
finding that holds a common word (at ten times the data, 4,471 reports held "custody"). Built from the text
on each search, as the expression indexes of migration 0006 were, the vector could only be read through a
GIN index, which gives every match before any is ordered.

The column is not declared on the model: declared, every read of a report (lists, exports, the admin) would
carry it. Triggers keep it current whatever writes the rows, a service, a bulk load or the admin: a report's
own when its title or summary is written, and the reports of the findings added, deleted, or whose text or
report changed, once a statement. SQLite has no text-search vectors; the search there is a substring match
and needs none of this. After writes with the triggers off, `manage.py rebuild_search_documents --check`
finds the stale documents and `manage.py rebuild_search_documents` rebuilds them.

The migration holds the reports table while it adds the column and builds the documents and their index:
pages that read reports wait for it (seconds for thousands of reports).
"""

from django.db import migrations

FORWARD = (
    """
ALTER TABLE inspections_report ADD COLUMN search_document tsvector
""",
    """
CREATE FUNCTION inspections_report_document(of_report bigint, of_title text, of_summary text)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('english', coalesce(of_title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(of_summary, '')), 'B')
        || setweight(to_tsvector('english', coalesce(
            (SELECT string_agg(f.text, ' ' ORDER BY f.id) FROM inspections_finding f WHERE f.report_id = of_report),
            ''
        )), 'C')
$$
""",
    """
CREATE FUNCTION inspections_report_document_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := inspections_report_document(NEW.id, NEW.title, NEW.summary);
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER report_search_document BEFORE INSERT OR UPDATE OF title, summary ON inspections_report
FOR EACH ROW EXECUTE FUNCTION inspections_report_document_row()
""",
    """
CREATE FUNCTION inspections_finding_documents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    reports bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT report_id) INTO reports FROM new_findings;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT report_id) INTO reports FROM old_findings;
    ELSE
        -- Only where a finding's text or report changed: closing one, or naming its area, leaves the
        -- documents as they are (and takes no lock on its report).
        SELECT array_agg(DISTINCT changed.report_id) INTO reports FROM (
            SELECT n.report_id FROM new_findings n JOIN old_findings o ON o.id = n.id
            WHERE n.text IS DISTINCT FROM o.text OR n.report_id <> o.report_id
            UNION
            SELECT o.report_id FROM new_findings n JOIN old_findings o ON o.id = n.id
            WHERE n.text IS DISTINCT FROM o.text OR n.report_id <> o.report_id
        ) changed;
    END IF;
    IF reports IS NULL THEN
        RETURN NULL;
    END IF;
    -- The reports are locked first, in one order, and their documents built by the next statement, whose
    -- snapshot is taken once the locks are held: it sees the findings another transaction wrote to the same
    -- report and committed while this one waited. Built in the locking statement itself, a document read
    -- the findings as they were when that statement began, and lost the other transaction's.
    PERFORM 1 FROM inspections_report WHERE id = ANY(reports) ORDER BY id FOR NO KEY UPDATE;
    UPDATE inspections_report r SET search_document = inspections_report_document(r.id, r.title, r.summary)
    WHERE r.id = ANY(reports);
    RETURN NULL;
END
$$
""",
    """
CREATE TRIGGER finding_search_documents_insert AFTER INSERT ON inspections_finding
REFERENCING NEW TABLE AS new_findings FOR EACH STATEMENT EXECUTE FUNCTION inspections_finding_documents()
""",
    """
CREATE TRIGGER finding_search_documents_update AFTER UPDATE ON inspections_finding
REFERENCING OLD TABLE AS old_findings NEW TABLE AS new_findings
FOR EACH STATEMENT EXECUTE FUNCTION inspections_finding_documents()
""",
    """
CREATE TRIGGER finding_search_documents_delete AFTER DELETE ON inspections_finding
REFERENCING OLD TABLE AS old_findings FOR EACH STATEMENT EXECUTE FUNCTION inspections_finding_documents()
""",
    """
UPDATE inspections_report SET search_document = inspections_report_document(id, title, summary)
""",
    """
-- For a rare word the database reads the few matches from here instead of walking the newest reports.
CREATE INDEX report_search_document ON inspections_report USING gin (search_document)
""",
    """
-- The report's own vector built from its text on each search (migration 0006): no query uses it now.
DROP INDEX IF EXISTS report_search
""",
)

BACKWARD = (
    """
CREATE INDEX IF NOT EXISTS report_search ON inspections_report
USING gin (to_tsvector('english'::regconfig, ((COALESCE(title, ''::character varying))::text || ' '::text)
    || COALESCE(summary, ''::text)))
""",
    """
DROP TRIGGER IF EXISTS finding_search_documents_insert ON inspections_finding
""",
    """
DROP TRIGGER IF EXISTS finding_search_documents_update ON inspections_finding
""",
    """
DROP TRIGGER IF EXISTS finding_search_documents_delete ON inspections_finding
""",
    """
DROP FUNCTION IF EXISTS inspections_finding_documents()
""",
    """
DROP TRIGGER IF EXISTS report_search_document ON inspections_report
""",
    """
DROP FUNCTION IF EXISTS inspections_report_document_row()
""",
    """
DROP FUNCTION IF EXISTS inspections_report_document(bigint, text, text)
""",
    """
DROP INDEX IF EXISTS report_search_document
""",
    """
ALTER TABLE inspections_report DROP COLUMN IF EXISTS search_document
""",
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0011_inspection_title_trigram"),
    ]

    operations = [migrations.RunPython(forward, backward)]
