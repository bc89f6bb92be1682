"""Evidence commands: index, ingest, sources, search."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import services
from ..core.errors import JanError
from ..core.sanitize import display, one_line
from ..services import open_store
from .common import err as _err
from .common import out as _out
from .common import settings as _settings


def cmd_index(args) -> int:
    store = open_store(_settings(args))
    _out(f"evidence index ready: {store.chunk_count()} chunks from {len(store.documents())} documents")
    return 0


def cmd_ingest(args) -> int:
    s = _settings(args)
    if args.rebuild:  # also the repair: damaged manifest or vector files are moved aside, never deleted
        from rich.progress import Progress

        from ..evidence.ingest import ensure_builtin, say_lost

        store = open_store(s, repair=True)
        with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("re-embedding", total=store.chunk_count())
            n = store.rebuild(lambda k: bar.advance(task, k))
        for line in store.repairs:
            _err(f"jan: repaired: {one_line(line)}")
        rep = ensure_builtin(store, s.corpus_dir)
        _out(f"rebuilt vectors for {n} chunks with {store.embedder.name}"
             + (f"; indexed {len(rep.added) + len(rep.updated)} built-in card(s)" if rep.added or rep.updated else ""))
        say_lost(store, _err)
        if not args.paths:
            return 0
    else:
        store = open_store(s)
    if args.remove:
        code = 0
        for p in args.paths:
            key = str(Path(p).resolve())
            if store.remove_document(key):
                _out(f"removed {one_line(p)}")
            else:
                _err(f"{one_line(p)}: not in the index")
                code = 1
        return code
    if not args.paths:
        raise JanError("give one or more files or folders to ingest")
    from rich.progress import Progress

    from ..evidence.ingest import ingest_paths

    paths = [Path(p) for p in args.paths]
    with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("ingesting", total=None)
        report = ingest_paths(store, paths, args.tag, progress=lambda name: bar.advance(task))
    for line in report.warnings:
        _err(f"jan: warning: {one_line(line)}")
    for line in report.failed:
        _err(f"skipped: {one_line(line)}")
    _out(f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
         f"{len(report.failed)} failed; {report.chunks} chunks written (tag {args.tag})")
    if args.no_enrich or not s.enrich:
        _out("enrichment off (--no-enrich or setting enrich = false); evidence indexed unenriched")
    else:
        _enrich(store, [args.tag])
    return 0 if report.ok else 1


def _enrich(store, tags: list[str] | None) -> None:
    """Enrich the chunks of these tags that the cache lacks, with a progress bar (done/total, estimate).
    The documents are already searchable (unenriched) while this runs; a kill resumes next time."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..evidence import enrich

    with Progress(TextColumn("enriching evidence"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[eta]}"), transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("enrich", total=None, eta="")

        def show(p: enrich.Progress) -> None:
            if not sys.stderr.isatty() and p.enriched and (p.enriched % 10 == 0 or p.done == p.total):
                _err(p.line())  # a log gets a line every 10 chunks instead of the bar
            eta = p.eta
            bar.update(task, total=p.total, completed=p.done,
                       eta="" if eta is None else f"about {eta / 60:.0f} min left" if eta >= 60 else f"about {eta:.0f} s left")

        state = enrich.enrich_store(store, tags, services.enricher(), progress=show)
    if state.skipped:
        _err(f"enrichment skipped: {state.skipped}")
    if state.enriched or state.cached:
        per = f", {state.seconds / state.enriched:.1f} s per chunk" if state.enriched else ""
        _out(f"enriched {state.enriched} chunk(s) in {state.seconds:.0f} s{per}, {state.cached} from the cache"
             + (f", {state.failed} with nothing usable (indexed unenriched)" if state.failed else ""))


def cmd_enrich(args) -> int:
    """Enrich already-ingested evidence; --builtin for the built-in cards, --export to write the rows."""
    from ..evidence import enrich
    from ..evidence.ingest import BUILTIN_TAG

    s = _settings(args)
    store = open_store(s)
    tags = [BUILTIN_TAG] if args.builtin else (args.tag or None)
    _enrich(store, tags)
    if args.export:
        cache = enrich.Cache(s.home)
        try:
            n = enrich.export_rows(store, cache, tags or [], Path(args.export))
        finally:
            cache.close()
        _out(f"wrote {n} enrichment row(s) to {args.export}")
    return 0


def cmd_sources(args) -> int:
    store = open_store(_settings(args))
    docs = store.documents()
    if args.json:
        _out(json.dumps(docs, ensure_ascii=False, indent=2))
        return 0
    by_tag: dict[str, list[dict]] = {}
    for d in docs:
        by_tag.setdefault(d["tag"], []).append(d)
    for tag, items in sorted(by_tag.items()):
        _out(f"[{tag}] {len(items)} document(s), {sum(d['n_chunks'] for d in items)} chunks")
        if tag != "builtin" or args.all:
            for d in items:
                _out(f"  {d['n_chunks']:>4}  {one_line(d['path'])}")
    return 0


def cmd_search(args) -> int:
    from ..evidence.retrieval import Retriever
    from ..services import registry as _registry

    s = _settings(args)
    if not args.query.strip():
        raise JanError("the search query is empty")
    store = open_store(s)
    persona = _registry(s).get(args.persona) if args.persona else None
    hits = Retriever(store).search(args.query, k=args.k, tags=args.tag or None, persona=persona, mode=args.mode)
    if args.json:
        rows = [{"rank": e.rank, "id": e.chunk.card_id or e.chunk.id, "score": round(e.score, 5),
                 "source": e.chunk.source, "locator": e.chunk.locator, "tag": e.chunk.tag, "text": e.chunk.text}
                for e in hits]
        _out(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not hits:
        _out("no evidence found")
    for e in hits:
        _out(f"{e.rank}. [{e.chunk.tag}] {one_line(e.chunk.card_id or e.chunk.source)} — {one_line(e.chunk.locator)}")
        _out(f"   {display(e.chunk.text[:300])}")
    return 0


def register(add) -> None:
    """Add the evidence commands to the parser (called by cli.main.build_parser)."""
    sp = add("index", cmd_index, "index the built-in corpus (done on first use anyway)")
    sp = add("ingest", cmd_ingest, "add your documents (.md .txt .pdf .docx .html) to the evidence")
    sp.add_argument("paths", nargs="*")
    sp.add_argument("--tag", default="docs", help="tag for these documents (default: docs)")
    sp.add_argument("--remove", action="store_true", help="remove the given files from the index")
    sp.add_argument("--rebuild", action="store_true", help="re-embed everything (after switching embedders)")
    sp.add_argument("--no-enrich", action="store_true",
                    help="index without the local model's questions and key phrases (issue 20)")
    sp.add_argument("--embedder")
    sp = add("enrich", cmd_enrich, "generate the index-time questions and key phrases the cache lacks")
    sp.add_argument("--tag", action="append", help="only this tag (repeatable; default: every tag)")
    sp.add_argument("--builtin", action="store_true", help="the built-in corpus cards")
    sp.add_argument("--export", metavar="FILE", help="write the rows of these chunks (corpus/enrichment.jsonl)")
    sp = add("sources", cmd_sources, "list ingested documents with chunk counts")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--all", action="store_true", help="also list every built-in card")
    sp = add("search", cmd_search, "search the evidence")
    sp.add_argument("query")
    sp.add_argument("--k", type=int, default=6)
    sp.add_argument("--tag", action="append", help="only this tag (repeatable)")
    sp.add_argument("--persona", help="boost the persona's evidence tags")
    sp.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--embedder")
