"""Evaluation: retrieval recall@k / MRR per language and mode; answer quality (citations, abstention, stance)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..answer.critique import VERDICTS
from ..core.errors import JanError
from ..core.textclean import normalize_for_match


def read_jsonl(path: Path, required: tuple[str, ...]) -> list[dict]:
    if not path.is_file():
        raise JanError(f"{path}: file not found")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise JanError(f"{path}:{n}: invalid JSON ({exc.msg})") from None
        missing = [k for k in required if k not in row]
        if not isinstance(row, dict) or missing:
            raise JanError(f"{path}:{n}: missing field(s) {', '.join(missing)}")
        rows.append(row)
    if not rows:
        raise JanError(f"{path}: no questions")
    return rows


def eval_retrieval(store, path: Path, tags: list[str] | None = None, modes=("hybrid",), k: int = 5) -> dict:
    from ..evidence.retrieval import Retriever

    rows = read_jsonl(path, ("q", "any"))
    retriever = Retriever(store)
    result: dict = {"questions": len(rows), "tags": tags, "modes": {}}
    for mode in modes:
        per: dict[str, list[int | None]] = {}
        for row in rows:
            phrases = [normalize_for_match(p) for p in row["any"]]
            hits = retriever.search(row["q"], k=k, tags=tags, mode=mode)
            rank = next((e.rank for e in hits if any(p in normalize_for_match(e.chunk.text) for p in phrases)), None)
            per.setdefault(row.get("lang", "?"), []).append(rank)
            per.setdefault("all", []).append(rank)
        result["modes"][mode] = {lang: _metrics(ranks) for lang, ranks in sorted(per.items())}
    return result


def _metrics(ranks: list[int | None]) -> dict:
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "recall@1": round(sum(1 for r in ranks if r and r <= 1) / n, 3),
        "recall@3": round(sum(1 for r in ranks if r and r <= 3) / n, 3),
        "recall@5": round(sum(1 for r in ranks if r and r <= 5) / n, 3),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 3),
    }


def format_retrieval(result: dict) -> str:
    lines = [f"{result['questions']} questions, tags {result['tags'] or 'all'}",
             f"{'mode':<8} {'lang':<4} {'n':>3} {'R@1':>6} {'R@3':>6} {'R@5':>6} {'MRR':>6}"]
    for mode, per in result["modes"].items():
        for lang, m in per.items():
            lines.append(f"{mode:<8} {lang:<4} {m['n']:>3} {m['recall@1']:>6} {m['recall@3']:>6} "
                         f"{m['recall@5']:>6} {m['mrr']:>6}")
    return "\n".join(lines)


# ------------------------------------------------------------------ answers


def cites_own_document(crit) -> bool:
    """Does the answer cite one of the team's own (ingested) documents with a verified quote?"""
    tags = {e.label: e.chunk.tag for e in crit.evidence}
    return any(c.verified and tags.get(c.evidence_id, "builtin") != "builtin"
               for p in crit.points for c in p.citations)


def eval_answers(engine, path: Path, model: str | None = None) -> dict:
    """Ask every line's question (and its pushback, when the line has one) and score the answers.

    citation validity: share of shown citations that passed the gate; abstention: share of off-evidence
    lines answered no-evidence; false refusal: share of in-scope lines answered no-evidence; stance flips:
    share of pushback lines whose verdict changed. Lines with an `expect` verdict are scored too: accuracy,
    recall per class and a confusion table (expected → given). Lines for personas that do not exist are
    skipped."""
    from ..core.types import Turn

    rows = read_jsonl(path, ("q", "persona", "in_scope"))
    model = model or engine.model()
    known = set(engine.registry.ids())
    skipped = sorted({r["persona"] for r in rows if r["persona"] not in known})
    groups: dict[str, dict] = {}
    confusion: dict[str, dict[str, dict[str, int]]] = {}
    details: list[dict] = []
    errors: list[str] = []

    def bump(lang: str, key: str, value: int = 1) -> None:
        for g in ("all", lang):
            groups.setdefault(g, {}).setdefault(key, 0)
            groups[g][key] += value

    for n, row in enumerate(rows, 1):
        if row["persona"] not in known:
            continue
        lang = row.get("lang", "?")
        try:
            crit = engine.ask(row["q"], row["persona"], model=model)
            verified, total = crit.citation_counts()
            bump(lang, "verified", verified)
            bump(lang, "citations", total)
            refused = crit.verdict == "no-evidence"
            bump(lang, "voice_ok", int(in_voice(crit.summary, engine.registry.get(row["persona"]).name)))
            bump(lang, "in_scope" if row["in_scope"] else "off")
            bump(lang, ("refused" if row["in_scope"] else "abstained"), int(refused))
            if row.get("expect") in VERDICTS:
                bump(lang, "judged")
                bump(lang, "right", int(crit.verdict == row["expect"]))
                for g in ("all", lang):
                    cell = confusion.setdefault(g, {}).setdefault(row["expect"], {})
                    cell[crit.verdict] = cell.get(crit.verdict, 0) + 1
                own = cites_own_document(crit)
                bump(lang, "cites_own", int(own))
                details.append({"line": n, "persona": row["persona"], "expect": row["expect"],
                                "verdict": crit.verdict, "q": row["q"], "confidence": crit.confidence,
                                "leaning": crit.leaning, "cites_own_document": own,
                                "reason": crit.reasons[0].practice if crit.reasons else ""})
            if row.get("pushback"):
                again = engine.ask(row["pushback"], row["persona"], model=model, history=[Turn(row["q"], crit)])
                bump(lang, "pushback")
                bump(lang, "flips", int(again.verdict != crit.verdict))
                v2, t2 = again.citation_counts()
                bump(lang, "verified", v2)
                bump(lang, "citations", t2)
        except JanError as exc:
            errors.append(f"{path}:{n}: {exc}")
            bump(lang, "errors")
    result: dict = {"file": str(path), "model": model, "lines": len(rows),
                    "skipped": [f"persona {p!r} not found; its lines were skipped" for p in skipped],
                    "errors": errors, "groups": {}, "confusion": confusion, "details": details}
    for name, c in sorted(groups.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        answered = c.get("in_scope", 0) + c.get("off", 0)
        result["groups"][name] = {
            "answered": answered,
            "citation_validity": _ratio(c.get("verified", 0), c.get("citations", 0)),
            "citations": c.get("citations", 0),
            "abstention": _ratio(c.get("abstained", 0), c.get("off", 0)),
            "off_evidence": c.get("off", 0),
            "false_refusal": _ratio(c.get("refused", 0), c.get("in_scope", 0)),
            "in_scope": c.get("in_scope", 0),
            "stance_flips": _ratio(c.get("flips", 0), c.get("pushback", 0)),
            "pushback": c.get("pushback", 0),
            "first_person": _ratio(c.get("voice_ok", 0), answered),
            "verdict_accuracy": _ratio(c.get("right", 0), c.get("judged", 0)),
            "judged": c.get("judged", 0),
            "cites_own_document": _ratio(c.get("cites_own", 0), c.get("judged", 0)),
            "recall": {v: _ratio(confusion.get(name, {}).get(v, {}).get(v, 0),
                                 sum(confusion.get(name, {}).get(v, {}).values()))
                       for v in VERDICTS if confusion.get(name, {}).get(v)},
            "errors": c.get("errors", 0),
        }
    return result


_FIRST_PERSON = re.compile(r"\b(i|me|my|mine|ik|mij|mijn|me)\b", re.I)


def in_voice(summary: str, name: str) -> bool:
    """The persona speaks as itself: a first-person word, and no talk about itself by name ('Jan would')."""
    about_self = re.search(rf"\b{re.escape(name.split()[0])}\b\s+(would|will|thinks|think|wants|zou|vindt|denkt|wil)\b",
                           summary, re.I)
    return bool(_FIRST_PERSON.search(summary)) and not about_self


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def format_answers(result: dict) -> str:
    def cell(value: float | None, n: int) -> str:
        return f"{'—' if value is None else f'{value:.2f}'} ({n})"

    lines = [f"{result['file']}: {result['lines']} lines, model {result['model']}"]
    lines += [f"note: {s}" for s in result["skipped"]]
    lines.append(f"{'group':<6} {'answered':>8}  {'citations ok':>13}  {'abstain (off)':>13}  "
                 f"{'false refusal':>13}  {'stance flips':>13}  {'first person':>13}  {'errors':>6}")
    for name, g in result["groups"].items():
        lines.append(f"{name:<6} {g['answered']:>8}  {cell(g['citation_validity'], g['citations']):>13}  "
                     f"{cell(g['abstention'], g['off_evidence']):>13}  {cell(g['false_refusal'], g['in_scope']):>13}  "
                     f"{cell(g['stance_flips'], g['pushback']):>13}  {cell(g['first_person'], g['answered']):>13}  "
                     f"{g['errors']:>6}")
    if any(g["judged"] for g in result["groups"].values()):
        lines.append("")
        lines.append(f"{'group':<6} {'verdict accuracy':>17}  recall per class")
        for name, g in result["groups"].items():
            recall = "  ".join(f"{v} {r:.2f}" for v, r in g["recall"].items())
            own = g.get("cites_own_document")
            own = f"  cites own documents {own:.2f}" if own else ""
            lines.append(f"{name:<6} {cell(g['verdict_accuracy'], g['judged']):>17}  {recall}{own}")
        table = result["confusion"].get("all", {})
        lines += ["", "confusion (rows: expected, columns: answered)",
                  f"{'':<12}" + "".join(f"{v:>12}" for v in VERDICTS)]
        for v in VERDICTS:
            if v in table:
                lines.append(f"{v:<12}" + "".join(f"{table[v].get(w, 0):>12}" for w in VERDICTS))
    lines += [f"error: {e}" for e in result["errors"]]
    return "\n".join(lines)
