"""Evidence: reading documents, chunking, evidence cards, ingest, the store (SQLite manifest + Chroma),
embedders, the lexical index, hybrid retrieval, myth checks and the EN-NL lexicon. Imports only jan.core."""

from ..core.exports import lazy

# public name -> the module that defines it; loaded on first use, so importing one part stays cheap
_API = {
    "Block": "readers",
    "Document": "readers",
    "SUFFIXES": "readers",
    "read_document": "readers",
    "make_title": "readers",
    "chunk_document": "chunking",
    "card_chunks": "chunking",
    "Card": "cards",
    "load_cards": "cards",
    "parse_card": "cards",
    "IngestReport": "ingest",
    "ingest_paths": "ingest",
    "ensure_builtin": "ingest",
    "open_store": "ingest",
    "BUILTIN_TAG": "ingest",
    "Store": "store",
    "chroma_client": "store",
    "sha256_file": "store",
    "Embedder": "embed",
    "get_embedder": "embed",
    "BM25": "lexical",
    "Tokenizer": "lexical",
    "query_terms": "lexical",
    "Retriever": "retrieval",
    "MythChecker": "myths",
    "proposal": "myths",
    "translate": "glossary",
}
__all__ = sorted(_API)

__getattr__ = lazy(__name__, _API)
