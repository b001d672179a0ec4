"""Choices as numbered lines, where a platform has no buttons (WhatsApp, the console): answered with the
number. A choice that asks for words first says how to send them (`REVIEW REJECT 3 <reason>`). Typed
choices (a 0-10 score) are answered by their label, so they are not numbered: they share one line
(`0 · 1 · 2 … 10`), before the numbered ones."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.models import Choice


def numbered(choices: Sequence[Choice]) -> str:
    typed = [choice.label for choice in choices if choice.typed]
    lines = [" · ".join(typed)] if typed else []
    lines += [_line(n, choice) for n, choice in enumerate((c for c in choices if not c.typed), 1)]
    return "\n".join(lines)


def _line(n: int, choice: Choice) -> str:
    if choice.ask is None:
        return f"{n}. {choice.label}"
    return f"{n}. {choice.label}: {choice.command} <{choice.ask}>"
