"""Choices as numbered lines, where a platform has no buttons (WhatsApp, the console): answered with the
number. A choice that asks for words first says how to send them (`REVIEW REJECT 3 <reason>`)."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.models import Choice


def numbered(choices: Sequence[Choice]) -> str:
    return "\n".join(_line(n, choice) for n, choice in enumerate(choices, 1))


def _line(n: int, choice: Choice) -> str:
    if choice.ask is None:
        return f"{n}. {choice.label}"
    return f"{n}. {choice.label}: {choice.command} <{choice.ask}>"
