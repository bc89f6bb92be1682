"""Draft a persona from research documents (`jan personas new ID --from FILE...`).

Extractive: the documents are ingested (tag persona-ID; a document already ingested keeps its own tag), each
persona field is filled with the passage that best answers a question about it, with `doc:PATH#locator`
provenance, and the other candidates are left as comments. Name and summary stay TODO, so the draft passes `jan personas lint` only after a person edits it."""

from __future__ import annotations

import json
from pathlib import Path

from ..core.errors import JanError
from ..core.files import atomic_write_text
from ..core.textclean import sentences

FIELDS = {
    "background": "who is this customer, their situation, where they live or work / wie is de klant, situatie",
    "goals": "what customers want, need or expect / wat klanten willen, verwachten, nodig hebben",
    "frustrations": "complaints, annoyance, problems customers run into / klachten, ergernis, problemen",
    "uses": "contact channel customers use: phone, e-mail, app, chat, counter / telefoon, mail, app, balie",
    "refuses": "what customers avoid or refuse, channels they dislike / wat klanten vermijden of weigeren",
    "decision_style": "how customers choose: price, trust, advice, reputation / hoe klanten kiezen: prijs, vertrouwen",
    "red_lines": "why customers leave, switch or stop / waarom klanten vertrekken, overstappen, opzeggen",
    "voice": "how customers talk, what they say / hoe klanten praten, wat ze zeggen",
}


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


class KeepTags:
    """The store as ingest sees it while a persona is drafted: a document already in the index keeps its tag
    (`jan sources` still counts it where the team put it) and is not re-embedded when unchanged; only new
    documents get the draft's tag. `kept` maps each such document to its tag."""

    def __init__(self, store):
        self._store = store
        self.kept: dict[str, str] = {}
        self.ids: set[str] = set()  # the chunks of the documents read (ids: file hash + position + text)
        self.docs: set[str] = set()

    def mine(self, chunk) -> bool:
        """Is this chunk from one of the documents read (by id, or by path for an index made otherwise)?"""
        return chunk.id in self.ids or str(Path(chunk.doc).resolve()) in self.docs

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def upsert_document(self, path: str, sha256: str, tag: str, title: str, chunks: list, vectors=None) -> str:
        from dataclasses import replace

        old = self._store.document(path)
        if old is not None and old["tag"] != tag:
            self.kept[path] = tag = old["tag"]
        chunks = [replace(c, tag=tag, doc=path) for c in chunks]
        self.ids |= {c.id for c in chunks}
        self.docs.add(path)
        return self._store.upsert_document(path, sha256, tag, title, chunks, vectors)


def draft(engine, pid: str, files: list[Path], folder: Path, ingest) -> Path:
    """`engine` gives the retriever and registry, `ingest(store, files, tag)` reads the files into the
    store (services.draft_persona passes evidence's ingest_paths: personas does not import evidence)."""
    import re

    from .persona import PERSONA_ID

    if not re.match(PERSONA_ID, pid):
        raise JanError(f"persona id {pid!r}: use 2-32 lowercase letters, digits or '-', starting with a letter")
    target = folder / f"{pid}.yaml"
    if target.exists():
        raise JanError(f"{target}: already exists; a draft never overwrites a persona file")
    tag = f"persona-{pid}"
    keeping = KeepTags(engine.retriever.store)
    report = ingest(keeping, [f.resolve() for f in files], tag)
    tags = sorted({tag, *keeping.kept.values()})
    if not any(keeping.mine(c) for c in keeping.chunks(tags)):
        raise JanError("no text could be read from the given files: " + "; ".join(report.failed or ["(none)"]))
    # documents ingested before keep their tag: their tag is searched too, and only these documents' passages
    # are taken from it (so the candidate pool is the whole tag, not its best few)
    wide = 4 if not keeping.kept else max(4, min(len(keeping.chunks(tags)), 1000))
    picks: dict[str, list[tuple[str, str]]] = {}
    used: set[str] = set()
    for name, query in FIELDS.items():
        found = []
        hits = engine.retriever.search(query, k=wide, tags=tags, pool=max(wide, 50))
        for e in [e for e in hits if keeping.mine(e.chunk)][:4]:
            fits = [s for s in sentences(e.chunk.text) if 5 <= len(s.split()) <= 40]
            best = next((s for s in fits if s not in used), fits[0] if fits else None)
            if best:
                found.append((best, f"doc:{Path(e.chunk.doc).resolve()}#{e.chunk.locator}"))
        if found:
            used.add(found[0][0])
        picks[name] = found

    def trait(name: str, indent: str, listed: bool) -> list[str]:
        items = picks.get(name) or [("TODO no passage found; describe this from your research", "")]
        text, ref = items[0]
        lines = [f"{indent}# other candidates: {_q(t)} ({r})" for t, r in items[1:3]]
        lead = f"{indent}- " if listed else indent
        lines.append(f"{lead}text: {_q(text)}")
        lines.append(f"{indent}{'  ' if listed else ''}provenance: [{_q(ref)}]" if ref else
                     f"{indent}{'  ' if listed else ''}provenance: []")
        return lines

    out = [f"# Draft persona from: {', '.join(str(f) for f in files)}",
           "# Each trait was filled with the passage that best fits it (see provenance); rewrite in your own",
           "# words, fill in the TODOs, then run: jan personas lint " + str(target),
           *(f"# {_q(path)} was ingested before and keeps its tag {_q(kept)}" for path, kept in keeping.kept.items()),
           f"id: {pid}", "name: TODO display name", "summary: TODO one line - who this customer is",
           f"language: {engine.registry.all()[0].language if engine.registry.ids() else 'nl'}", "background:"]
    out += trait("background", "  ", False)
    for name in ("goals", "frustrations"):
        out += [f"{name}:"] + trait(name, "  ", True)
    out += ["channels:", "  uses:"] + trait("uses", "    ", True) + ["  refuses:"] + trait("refuses", "    ", True)
    out += ["decision_style:"] + trait("decision_style", "  ", False)
    voice = picks.get("voice") or []
    out += ["voice:", "  tone: TODO how they talk", "  phrases:"]
    out += [f"    - {_q(t)}" for t, _ in voice[:3]] or ["    - TODO a sentence they would say"]
    out += [f"  provenance: [{_q(voice[0][1])}]" if voice else "  provenance: []"]
    out += ["red_lines:"] + trait("red_lines", "  ", True)
    out += ["evidence_tags: [TODO]  # tags of corpus cards that ground this persona (see `jan search`)"]
    folder.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(target, "\n".join(out) + "\n")
