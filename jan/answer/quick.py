"""Verdicts before prose: what each persona's answer will say, from retrieval and the judgment alone (no model
writes anything), so a panel shows every persona's verdict before any persona's prose is written (issue 28).
The judgment is the one `Engine.ask` starts from; with a hosted model, which judges for itself, the full
answer may still differ (its note says so)."""

from __future__ import annotations

from ..core.lang import detect


def verdicts(engine, proposal: str, persona_ids: list[str]) -> dict:
    """persona id → the stance/reader judgment on the proposal (verdict, leaning, reasons)."""
    question = engine.check_question(proposal)
    out = {}
    for pid in persona_ids:
        persona = engine.registry.get(pid)
        language = detect(question, default=persona.language)
        evidence = engine.retriever.search(question, k=6, persona=persona)
        out[pid], _ = engine.judge(question, persona, evidence, language)
    return out


def line(judgments: dict, names: dict[str, str]) -> str:
    """'Verdicts: Jan opposes · Sanne leans supports · …' in the panel's order."""
    parts = [f"{names.get(pid, pid)} {'leans ' if j.leaning else ''}{j.verdict}" for pid, j in judgments.items()]
    return "Verdicts: " + " · ".join(parts) + " (the answers follow)"
