"""The team's own contact exports (helpdesk, CRM): imported into DuckDB under $JAN_HOME/contacts/, grouped into
topics, counted, and cited as counted evidence whose numbers are checked by running their query again.
Imports only jan.core; duckdb, numpy, scikit-learn and openpyxl are imported inside functions.

For the answer engine:

    counts = counted_evidence(home, ["remove the phone number", "complaints"], "nl")  # [] when none loaded
    for c in counts:            # Count: id (C1 …), kind (reason | channel | trend | segment), value, total,
        c.text("nl")            #   "38 % van de 3.877 contacten in Q3 2024 (1.473) ging over ‘Storing’"
        c.numbers("nl")         #   the numbers that sentence shows, for a gate that strips any other number
    kept = verify_counts(home, counts)   # the gate: each query run again; a count that differs is dropped
    data = chart_data(home); bars_svg(data, "nl"); lines_svg(data, "nl"); markdown_tables(data, "nl")
    contact_count(home)         # for a status line

A JanError (one line) is raised when the database is in use by another process or damaged."""

from ..core.exports import lazy

# public name -> the module that defines it; loaded on first use, so importing one part stays cheap
_API = {
    "add_file": "load",
    "AddReport": "load",
    "Mapping": "columns",
    "parse_maps": "columns",
    "recognise": "columns",
    "Source": "sniff",
    "MAX_FILE_BYTES": "sniff",
    "FileInfo": "store",
    "list_files": "store",
    "remove_file": "store",
    "contact_count": "store",
    "bad_rows": "store",
    "db_path": "store",
    "Count": "counts",
    "CountQuery": "counts",
    "summary": "counts",
    "verify_counts": "counts",
    "counted_evidence": "evidence",
    "Topic": "topics",
    "contact_topics": "topics",
    "topic_labels": "topics",
    "chart_data": "charts",
    "bars_svg": "charts",
    "lines_svg": "charts",
    "markdown_tables": "charts",
    "safe_cell": "export",
    "write_table": "export",
    "generate_export": "generate",
}
__all__ = sorted(_API)

__getattr__ = lazy(__name__, _API)
