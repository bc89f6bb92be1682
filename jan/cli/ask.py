"""`jan ask`: one question to one persona (or a panel), printed as Markdown or JSON."""

from __future__ import annotations

import json
import sys

from .. import services
from .common import out as _out
from .common import settings as _settings


def cmd_ask(args) -> int:
    from ..answer.critique import to_markdown

    s = _settings(args)
    engine = services.engine(s)
    if args.panel:
        from .meetings import cmd_panel_ask

        return cmd_panel_ask(args, engine)
    from ..core.sanitize import StreamCleaner

    stream_out = args.stream and not args.json
    cleaner = StreamCleaner()  # streamed tokens are model text: no escape sequence or forged mark passes

    def show(token: str) -> None:
        sys.stdout.write(cleaner.feed(token))
        sys.stdout.flush()

    crit = engine.ask(args.question, args.persona, model=args.model, on_token=show if stream_out else None)
    if stream_out:
        _out(cleaner.flush() + "\n")
    if args.meeting:
        entry = services.meetings(s).add(args.meeting, crit)
        sys.stderr.write(f"saved as answer {entry.id} in meeting {args.meeting}\n")
    _out(json.dumps(crit.to_dict(), ensure_ascii=False, indent=2) if args.json else to_markdown(crit))
    return 0


def register(add) -> None:
    sp = add("ask", cmd_ask, "ask a persona a question or proposal")
    sp.add_argument("question")
    sp.add_argument("--persona")
    sp.add_argument("--model", help="litellm model string, 'none' for extractive mode")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--stream", action="store_true", help="print tokens as they arrive")
    sp.add_argument("--panel", help="ask several personas: comma-separated ids")
    sp.add_argument("--meeting", type=int, help="save the answer in this meeting")
    sp.add_argument("--embedder")
