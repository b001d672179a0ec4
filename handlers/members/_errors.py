"""What the members feature refuses, with the values it reports."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict


@dataclass(eq=False)
class JoinedAlready(Conflict):
    """A pending newcomer sent JOIN again: what they still have to do is accept the rules."""

    def text(self) -> str:
        return "You have joined already: send AGREE to accept the rules and take part (RULES shows them)."
