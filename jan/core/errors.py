"""The one exception type users see: a clear message, never a traceback."""

from __future__ import annotations


class JanError(Exception):
    """An error with a message meant for the user (file:line: field: message style where possible)."""

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class LintError(JanError):
    """Several problems found at once; `problems` holds one line each."""

    exit_code = 1

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def problem_lines(exc: JanError) -> list[str]:
    """The user-facing lines of an error: every problem of a LintError, else its one message."""
    return list(exc.problems) if isinstance(exc, LintError) else [str(exc)]
