"""Handlers for evidence, asking and running. Each imports its heavy modules lazily."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .core.errors import JanError


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def open_store(settings, *, builtin: bool = True):
    """The store with the built-in corpus indexed (first use embeds the cards once)."""
    from .ingest import ensure_builtin
    from .store import Store

    store = Store(settings)
    missing = len(store.missing_vectors())
    if missing:
        _err(f"embedding {missing} chunk(s) for embedder {store.embedder.name} (first use of this embedder)")
        store.sync_vectors()
    if builtin:
        rep = ensure_builtin(store, settings.corpus_dir)
        if rep.added or rep.updated:
            _err(f"indexed {len(rep.added) + len(rep.updated)} built-in evidence card(s)")
    return store


def cmd_run(args) -> int:
    from .cli import _settings

    s = _settings(args)
    from .tui.app import make_app

    make_app(s).run()
    return 0


def cmd_index(args) -> int:
    from .cli import _settings

    store = open_store(_settings(args))
    _out(f"evidence index ready: {store.chunk_count()} chunks from {len(store.documents())} documents")
    return 0


def cmd_ingest(args) -> int:
    from .cli import _settings

    s = _settings(args)
    store = open_store(s)
    if args.rebuild:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("re-embedding", total=store.chunk_count())
            n = store.rebuild(lambda k: bar.advance(task, k))
        _out(f"rebuilt vectors for {n} chunks with {store.embedder.name}")
        if not args.paths:
            return 0
    if args.remove:
        code = 0
        for p in args.paths:
            key = str(Path(p).resolve())
            if store.remove_document(key):
                _out(f"removed {p}")
            else:
                _err(f"{p}: not in the index")
                code = 1
        return code
    if not args.paths:
        raise JanError("give one or more files or folders to ingest")
    from rich.progress import Progress

    from .ingest import ingest_paths

    paths = [Path(p) for p in args.paths]
    with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("ingesting", total=None)
        report = ingest_paths(store, paths, args.tag, progress=lambda name: bar.advance(task))
    for line in report.failed:
        _err(f"skipped: {line}")
    _out(f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
         f"{len(report.failed)} failed; {report.chunks} chunks written (tag {args.tag})")
    return 0 if report.ok else 1


def cmd_sources(args) -> int:
    from .cli import _settings

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
                _out(f"  {d['n_chunks']:>4}  {d['path']}")
    return 0


def cmd_search(args) -> int:
    from .cli import _registry, _settings
    from .retrieval import Retriever

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
        _out(f"{e.rank}. [{e.chunk.tag}] {e.chunk.card_id or e.chunk.source} — {e.chunk.locator}")
        _out(f"   {e.chunk.text[:300]}")
    return 0


def cmd_eval(args) -> int:
    from .cli import _settings

    s = _settings(args)
    if args.what == "retrieval":
        from .evaluate import eval_retrieval, format_retrieval

        store = open_store(s)
        result = eval_retrieval(store, Path(args.file), tags=args.tag or None, modes=args.modes.split(","))
        _out(json.dumps(result, indent=2) if args.json else format_retrieval(result))
        return 0
    if args.what == "answers":
        from .engine import Engine
        from .evaluate import eval_answers, format_answers

        result = eval_answers(Engine(s), Path(args.file), args.model)
        _out(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_answers(result))
        return 0 if not result["errors"] else 1
    raise JanError(f"unknown evaluation {args.what!r}")


def register(add) -> None:
    """Add the evidence and asking commands to the parser (called by cli.build_parser)."""
    register_ask(add)
    register_bench(add)
    from .meeting_cli import register as register_meetings

    register_meetings(add)
    sp = add("index", cmd_index, "index the built-in corpus (done on first use anyway)")
    sp = add("ingest", cmd_ingest, "add your documents (.md .txt .pdf .docx .html) to the evidence")
    sp.add_argument("paths", nargs="*")
    sp.add_argument("--tag", default="docs", help="tag for these documents (default: docs)")
    sp.add_argument("--remove", action="store_true", help="remove the given files from the index")
    sp.add_argument("--rebuild", action="store_true", help="re-embed everything (after switching embedders)")
    sp.add_argument("--embedder")
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
    sp = add("eval", cmd_eval, "evaluate retrieval or answers on a JSONL file")
    sp.add_argument("what", choices=["retrieval", "answers"])
    sp.add_argument("file")
    sp.add_argument("--tag", action="append")
    sp.add_argument("--modes", default="hybrid,dense,bm25")
    sp.add_argument("--model", help="answers: litellm model string, 'none' for extractive mode")
    sp.add_argument("--json", action="store_true")


def cmd_ask(args) -> int:
    from .cli import _settings
    from .critique import to_markdown
    from .engine import Engine

    s = _settings(args)
    engine = Engine(s)
    if args.panel:
        from .meeting_cli import cmd_panel_ask

        return cmd_panel_ask(args, engine)
    stream_out = args.stream and not args.json
    crit = engine.ask(args.question, args.persona, model=args.model,
                      on_token=(lambda t: (sys.stdout.write(t), sys.stdout.flush())) if stream_out else None)
    if stream_out:
        _out("\n")
    if args.meeting:
        from .session import MeetingStore

        entry = MeetingStore(s.home).add(args.meeting, crit)
        sys.stderr.write(f"saved as answer {entry.id} in meeting {args.meeting}\n")
    _out(json.dumps(crit.to_dict(), ensure_ascii=False, indent=2) if args.json else to_markdown(crit))
    return 0


def register_ask(add) -> None:
    sp = add("ask", cmd_ask, "ask a persona a question or proposal")
    sp.add_argument("question")
    sp.add_argument("--persona")
    sp.add_argument("--model", help="litellm model string, 'none' for extractive mode")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--stream", action="store_true", help="print tokens as they arrive")
    sp.add_argument("--panel", help="ask several personas: comma-separated ids")
    sp.add_argument("--meeting", type=int, help="save the answer in this meeting")
    sp.add_argument("--embedder")


def cmd_bench(args) -> int:
    from .bench import main

    return main()


def register_bench(add) -> None:
    add("bench", cmd_bench, "measure performance (first paint, search, ingest) and print JSON ratios")
