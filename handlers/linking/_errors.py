"""What LINK refuses, with the values it reports."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, UsageError
from handlers.i18n import Translator

PLATFORM_NAMES = {"discord": "Discord", "whatsapp": "WhatsApp", "console": "console"}
"""Proper names: the same in every language."""


def platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform)


@dataclass(eq=False)
class TooManyWrongCodes(Conflict):
    minutes: int

    def text(self, t: Translator) -> str:
        return t("linking.too_many_wrong_codes", count=self.minutes)


@dataclass(eq=False)
class SentFromTheSameIdentity(UsageError):
    code: str

    def text(self, t: Translator) -> str:
        return t("linking.same_identity", code=self.code)


@dataclass(eq=False)
class SamePlatform(UsageError):
    platform: str

    def text(self, t: Translator) -> str:
        return t("linking.same_platform", platform=platform_name(self.platform))


@dataclass(eq=False)
class CodeOwnerLeft(Conflict):
    def text(self, t: Translator) -> str:
        return t("linking.code_owner_left")


@dataclass(eq=False)
class LinkedAlready(Conflict):
    platform: str

    def text(self, t: Translator) -> str:
        return t("linking.linked_already", platform=platform_name(self.platform))


@dataclass(eq=False)
class CodeJustUsed(Conflict):
    def text(self, t: Translator) -> str:
        return t("linking.code_just_used")
