"""What LINK refuses, with the values it reports."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, UsageError

PLATFORM_NAMES = {"discord": "Discord", "whatsapp": "WhatsApp", "console": "console"}


def platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform)


@dataclass(eq=False)
class TooManyWrongCodes(Conflict):
    minutes: int

    def text(self) -> str:
        return (
            f"Too many wrong codes: wait {self.minutes} minutes, then send LINK on your other platform "
            "for a new one."
        )


@dataclass(eq=False)
class SentFromTheSameIdentity(UsageError):
    code: str

    def text(self) -> str:
        return f"Send LINK {self.code} from your other platform, not from here."


@dataclass(eq=False)
class SamePlatform(UsageError):
    platform: str

    def text(self) -> str:
        return f"That code was made on {platform_name(self.platform)} too: send it from a different platform."


@dataclass(eq=False)
class CodeOwnerLeft(Conflict):
    def text(self) -> str:
        return "The member who asked for that code has left. Send LINK there again after joining."


@dataclass(eq=False)
class LinkedAlready(Conflict):
    platform: str

    def text(self) -> str:
        return f"This {platform_name(self.platform)} identity is already linked."


@dataclass(eq=False)
class CodeJustUsed(Conflict):
    def text(self) -> str:
        return "That code was just used. Send LINK on your other platform to get a new one."
