"""The one output sanitiser: what may reach a terminal or a file from text we did not write ourselves.

- `terminal(text)`: no escape sequence, control character or bidi override (newlines and tabs stay).
- `one_line(text)`: for names, titles and paths: control characters, newlines included, shown as visible
  escapes (`\\x1b`, `\\n`), so a file name cannot forge a line of output.
- `neutral(text)`: model or document text with the marks only the citation gate may draw taken out: check
  and cross glyphs, citation marks such as `[E1 ✓]` or `[E2: "…"]` (shown as `(E1)`), evidence fence markers.
- `display(text)` = neutral(terminal(text)): every text field of an answer before it is shown or quoted.
- `StreamCleaner`: the same for streamed tokens, where an escape sequence may be split across tokens.
"""

from __future__ import annotations

import re

from .textclean import strip_controls

# C0 (but \n \t), DEL, C1, bidi embeddings/overrides/isolates, line/paragraph separators
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
MARK_GLYPHS = "✓✔✅☑🗸✗✘❌☒"
_GLYPH = re.compile(f"[{MARK_GLYPHS}]\ufe0f?")
# [E1], [E1 ✓], [ E12: "quote" ] ✗, [e3; x] …: any bracket that starts with an evidence label
_CITE_MARK = re.compile(r"\[\s*([Ee]\d{1,4})\b[^\]\n]{0,500}\]")
_FENCE = re.compile(r"<<\s*/?\s*evidence[-\w]*\s*>>|<<\s*/?\s*evidence-?|evidence-[0-9a-f]{8}>>", re.I)


def has_controls(text: str, keep_newlines: bool = False) -> bool:
    """Does `text` hold a control character (escape, bidi override …)? Newlines and tabs count unless kept."""
    found = _CONTROL.findall(text)
    if not keep_newlines:
        found += [c for c in text if c in "\n\r\t"]
    return bool(found)


def terminal(text: str) -> str:
    """Text safe to print: escape sequences and control characters removed; newlines and tabs kept."""
    text = strip_controls(str(text))
    return _CONTROL.sub("", text)


def _visible(ch: str) -> str:
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else
                                                                f"\\u{ord(ch):04x}")


def one_line(text: str) -> str:
    """A name, title or path on one line: every control character (newline and ESC included) shown as a
    visible escape, so the name stays recognisable and cannot move the cursor or forge a line."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]", lambda m: _visible(m.group()),
                  str(text))


def neutral(text: str) -> str:
    """Model or document text without marks only the gate may draw: `[E1 ✓]` → `(E1)`, ✓/✗ glyphs and
    evidence fence markers removed."""
    text, a = _FENCE.subn("", text)
    text, b = _CITE_MARK.subn(lambda m: f"({m.group(1).upper()})", text)
    text, c = _GLYPH.subn("", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip() if a or b or c else text


def _neutral_in_place(text: str) -> str:
    """neutral() without touching the spacing (streamed pieces are joined as they come)."""
    return _GLYPH.sub("", _CITE_MARK.sub(lambda m: f"({m.group(1).upper()})", _FENCE.sub("", text)))


def display(text: str) -> str:
    """One text field of an answer (summary, point, quote, question, note) as it may be shown or quoted."""
    return neutral(terminal(text))


class StreamCleaner:
    """Cleans streamed tokens: an escape sequence split across tokens is held back until it ends (then
    dropped); control characters and check/cross glyphs never pass."""

    HOLD_MAX = 256  # an unterminated sequence longer than this is dropped, not waited for

    def __init__(self) -> None:
        self._held = ""

    def feed(self, token: str) -> str:
        text = self._held + token
        self._held = ""
        i = text.rfind("\x1b")
        if i >= 0 and len(text) - i < self.HOLD_MAX and not _complete(text[i:]):
            text, self._held = text[:i], text[i:]
        # a bracket or fence that may still become a mark ("[E1 ✓]", "<</evidence-…>>") waits until it closes
        j = max(text.rfind("["), text.rfind("<"))
        while j > 0 and text[j - 1] == "<":
            j -= 1
        if j >= 0 and len(text) - j < self.HOLD_MAX and not re.search(r"[\]>]", text[j:]):
            text, self._held = text[:j], text[j:] + self._held
        return _neutral_in_place(terminal(text))

    def flush(self) -> str:
        held, self._held = self._held, ""
        return _neutral_in_place(terminal(held)) if held and not held.startswith("\x1b") else ""


def _complete(seq: str) -> bool:
    """Is this escape sequence (starting at ESC) finished?"""
    if len(seq) < 2:
        return False
    kind = seq[1]
    if kind == "[":  # CSI: parameters, then a final byte @-~
        return bool(re.match(r"\x1b\[[0-?]*[ -/]*[@-~]", seq))
    if kind in "]PX^_":  # OSC/DCS/…: ends with BEL or ST
        return "\x07" in seq or "\x1b\\" in seq[1:]
    return True
