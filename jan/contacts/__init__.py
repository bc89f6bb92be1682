"""The team's own contact exports (helpdesk, CRM): imported into DuckDB under $JAN_HOME/contacts/, grouped into
topics, counted, and cited as counted evidence whose numbers are checked by running their query again.
Imports only jan.core; duckdb, numpy and scikit-learn are imported inside functions."""

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
