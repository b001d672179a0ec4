"""Why a health command refuses, told in the asker's language."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import DomainError
from handlers.i18n import Translator


@dataclass
class NothingRolledUp(DomainError):
    """No day has closed since the bot started counting."""

    def text(self, t: Translator) -> str:
        return t("health.nothing_yet")
