"""Counted evidence in an answer (issue 30): what the team's own contacts are about, counted and verified.

When the proposal touches why customers contact the team — it names a channel (phone, chat, mail, shop …),
complaints, or rests on a myth about contact channels — the answer carries counted items beside the
research: "[C1 ✓ counted] 38 % of the 3,877 contacts in 2024 (1,473) were about outages". Each count is
verified by running its query again (jan.contacts); a count that does not verify is not shown. Which
reasons and channels are counted is chosen by the contacts package's lexicon (data), not by the verdict."""

from __future__ import annotations

from ..core.errors import JanError

CONCEPTS = {"complaint", "contact"}  # concepts (contacts lexicon) that make the team's contacts bear on a proposal


def bears_on_contacts(action: str, myths: list) -> bool:
    from ..contacts.evidence import wanted_channels, wanted_concepts

    return bool(myths) or bool(wanted_channels([action])) or bool(CONCEPTS & wanted_concepts([action]))


def counted_items(home, action: str, language: str, myths: list = ()) -> tuple[list[dict], str]:
    """(counted items as plain data, a note when the contacts could not be read). Nothing when no contacts are
    loaded or the proposal does not touch why customers contact the team."""
    from ..contacts import contact_count

    try:
        if not contact_count(home) or not bears_on_contacts(action, list(myths)):
            return [], ""
        from ..contacts import counted_evidence, verify_counts

        counts = verify_counts(home, counted_evidence(home, [action], language))
    except JanError as exc:
        return [], f"the team's contacts could not be counted: {exc}"
    return [{"id": c.id, "kind": c.kind, "text": c.text(language), "value": c.value, "total": c.total,
             "verified": bool(c.verified), "numbers": c.numbers(language)} for c in counts if c.verified], ""
