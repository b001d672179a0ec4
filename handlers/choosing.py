"""A short reply that answers the choices last offered to its writer (`2`, `yes`, a survey's `7`)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from handlers.errors import ChoiceOutOfRange
from handlers.models import Identity
from handlers.ports import ChoiceRepository

CHOICES_VALID_FOR = timedelta(hours=24)


async def answer_to_choice(choices: ChoiceRepository, actor: Identity, now: datetime, text: str) -> str:
    """The command a reply stands for, else the text as it is: a typed choice by its label (a score: `7`
    is the choice labelled 7), the others by their number among them, or their label."""
    if not re.fullmatch(r"[0-9]{1,2}|[^\s]{1,40}", text):
        return text
    offered = await choices.pending(actor, now - CHOICES_VALID_FOR)
    for choice in offered:
        if choice.typed and text.lower() == choice.label.lower():
            return choice.command
    numbered = [choice for choice in offered if not choice.typed]
    if not numbered:
        return text  # a bare number then goes to the features (`unmatched`), else NothingToChoose
    if text.isdigit():
        index = int(text)
        if not 1 <= index <= len(numbered):
            raise ChoiceOutOfRange(len(numbered))
        return numbered[index - 1].command
    for choice in numbered:
        if text.lower() == choice.label.lower():
            return choice.command
    return text
