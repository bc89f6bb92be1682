"""Safe YAML loading: size cap, UTF-8 only, no anchors/aliases, no custom tags, line numbers kept.

`load(path)` returns (data, lines) where `lines` maps a key path tuple such as ("goals", 0, "text")
to the 1-based line it starts on, so validation errors can name file:line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import JanError

MAX_BYTES = 256 * 1024
MAX_DEPTH = 40  # nesting levels (a persona needs 5); PyYAML recurses per level and scans deep flow quadratically
_STD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
}


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """Read a small UTF-8 text file or raise JanError naming the file."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise JanError(f"{path}: file not found") from None
    except OSError as exc:
        raise JanError(f"{path}: cannot read ({exc.strerror})") from None
    if not path.is_file():
        raise JanError(f"{path}: not a regular file")
    if size > max_bytes:
        raise JanError(f"{path}: file is {size:,} bytes, over the {max_bytes:,}-byte limit")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JanError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JanError(f"{path}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from None


def _check_depth_cheaply(text: str, where: str) -> None:
    """Refuse deep flow nesting (`[[[[…`) before PyYAML sees it: its scanner is quadratic in flow depth. An
    upper bound (brackets in quoted text count too), so only absurd depths are refused here."""
    depth = 0
    line = 1
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH * 4:
                raise JanError(f"{where}:{line}: nested more than {MAX_DEPTH} levels deep; refused")
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == "\n":
            line += 1


def _check_events(text: str, where: str) -> None:
    _check_depth_cheaply(text, where)
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1 if event.start_mark else 0
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:  # before composing, which recurses once per level
                    raise JanError(f"{where}:{line}: nested more than {MAX_DEPTH} levels deep; refused")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.AliasEvent):
                raise JanError(f"{where}:{line}: YAML aliases (*{event.anchor}) are not allowed")
            anchor = getattr(event, "anchor", None)
            if anchor:
                raise JanError(f"{where}:{line}: YAML anchors (&{anchor}) are not allowed")
            tag = getattr(event, "tag", None)
            if tag and tag not in _STD_TAGS and tag != "!":
                raise JanError(f"{where}:{line}: custom YAML tag {tag!r} is not allowed")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise JanError(f"{where}:{line}: invalid YAML: {exc.problem or exc.context}") from None


class _Duplicate(Exception):
    def __init__(self, key: str, line: int):
        self.key, self.line = key, line


def _walk(node: yaml.Node, path: tuple, lines: dict[tuple, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key, value in node.value:
            k = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            if k in seen:
                raise _Duplicate(k, key.start_mark.line + 1)
            seen.add(k)
            lines[path + (k,)] = key.start_mark.line + 1
            _walk(value, path + (k,), lines)
            lines[path + (k,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


def loads(text: str, where: str = "<string>", line_offset: int = 0) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML text safely; raise JanError with where:line on any problem."""
    _check_events(text, where)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 0) + line_offset
        raise JanError(f"{where}:{line}: invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise JanError(f"{where}: invalid YAML: {exc}") from None
    lines: dict[tuple, int] = {}
    if node is not None:
        try:
            _walk(node, (), lines)
        except _Duplicate as dup:
            raise JanError(f"{where}:{dup.line + line_offset}: {dup.key}: duplicate key") from None
    if line_offset:
        lines = {k: v + line_offset for k, v in lines.items()}
    return data, lines


def load(path: Path, max_bytes: int = MAX_BYTES) -> tuple[Any, dict[tuple, int]]:
    return loads(read_text(path, max_bytes), str(path))


def line_for(lines: dict[tuple, int], loc: tuple) -> int:
    """The line of the deepest known prefix of a pydantic error location."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get((), 1)
