"""Five answers to one proposal, written by hand (no engine): three oppose, one supports, one is mixed; the
traits that part them are each persona's own. Used by the panel view's snapshot and Pilot tests."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from jan.core.types import Chunk, Citation, Critique, Evidence, Point, Reason
from jan.meetings.panel import compare

PROPOSAL = "Remove the phone number from the website because of too many complaints"

ITEMS = {
    "E1": ("cf-boardroom-phone-number", "PvKO: Van picknicktafel tot purpose — CustomerFirst interview",
           "Two boards wanted to remove the phone number from the website because of too many complaints."),
    "E2": ("myth-fewer-channels-fewer-complaints", "Customer experience in de praktijk (book), chapter 1",
           "Fewer contact options do not mean fewer complaints: the complaints move to other channels."),
    "E3": ("nl-survey-phone-preference", "Nationale klantcontactmonitor 2024",
           "Most telecom customers still prefer the phone when something goes wrong with their connection."),
    "E4": ("cx-digital-first-small-business", "Customer experience in de praktijk (book), chapter 4",
           "Small business owners prefer a web form they can fill in after closing time."),
}

# persona id, name, verdict, the trait (relation) that decides it, the items its points cite (verified?)
PERSONAS = [
    ("jan", "Jan", "opposes", ("hits", "No way left to get a person on the phone when my connection is down."),
     [("E1", True), ("E3", True)]),
    ("donor", "Sanne", "supports", ("eases", "I give online and never call; a tidy donation page is what I want."),
     [("E4", True)]),
    ("resident", "Geert", "opposes", ("breaks", "I want someone who knows my case, not a general webform."),
     [("E2", True), ("E3", False)]),
    ("citizen", "Els", "mixed", ("serves", "Token participation annoys me; I want to be heard where it counts."),
     [("E2", True), ("E4", True)]),
    ("smallbiz", "Marieke", "opposes", ("hits", "One number that knows my business, not separate lines per product."),
     [("E1", True)]),
]


def _evidence(label: str, rank: int) -> Evidence:
    card, source, text = ITEMS[label]
    chunk = Chunk(id=f"c{rank}", text=text, source=source, locator="paragraph 1", tag="builtin", doc=f"card:{card}",
                  kind="research", card_id=card)
    return Evidence(label, chunk, score=1.0 / rank, rank=rank, bears=True)


def critique(pid: str, verdict: str, trait: tuple[str, str], cites: list[tuple[str, bool]]) -> Critique:
    relation, text = trait
    direction = "for" if verdict == "supports" else "against"
    points = [Point(f"I read that {ITEMS[label][2][0].lower()}{ITEMS[label][2][1:]}", "evidence",
                    [Citation(label, ITEMS[label][2], verified=ok, supports=ok or None)]) for label, ok in cites]
    reasons = [Reason(direction, "remove the phone number from the website", ITEMS[cites[0][0]][0], 0.9,
                      trait_id="goals[0]", trait=text, relation=relation, evidence=[cites[0][0]])]
    return Critique(persona=pid, question=PROPOSAL, language="en", verdict=verdict,
                    summary=f"I am {verdict} this proposal.", points=points, reasons=reasons,
                    evidence=[_evidence(label, i) for i, label in enumerate(ITEMS, 1)], model="none")


def panel(n: int = 5):
    """(comparison, persona id → critique) for the first n personas."""
    crits = [critique(pid, verdict, trait, cites) for pid, _, verdict, trait, cites in PERSONAS[:n]]
    names = {pid: name for pid, name, *_ in PERSONAS}
    return compare(PROPOSAL, crits, names), {c.persona: c for c in crits}


class PanelHost(App):
    """Only the panel screen, with the app's stylesheet."""

    CSS_PATH = Path(__file__).resolve().parents[2] / "jan" / "tui" / "jan.tcss"

    def __init__(self, n: int = 5, theme: str = ""):
        super().__init__()
        self.n = n
        self.wanted_theme = theme

    def on_mount(self) -> None:
        from jan.tui.panel import PanelScreen

        if self.wanted_theme:
            from jan.tui.app import PROJECTOR

            self.register_theme(PROJECTOR)
            self.theme = self.wanted_theme
        cmp, crits = panel(self.n)
        self.push_screen(PanelScreen(cmp, crits))
