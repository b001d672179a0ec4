"""Value objects shared by every feature and every adapter."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import NamedTuple

PLATFORMS = ("discord", "whatsapp", "console")

_IDENTITY_FORMS = {
    "discord": re.compile(r"[0-9]{5,25}"),
    "whatsapp": re.compile(r"\+[1-9][0-9]{6,14}"),
    "console": re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,31}"),
}


class Identity(NamedTuple):
    """One person on one platform: `discord:<id>`, `whatsapp:+E164` or `console:<name>`.

    A named tuple: every chat message is looked up by its identity, and a tuple hashes and compares in C.
    """

    platform: str
    user_id: str

    @classmethod
    def parse(cls, text: str) -> Identity:
        platform, sep, user_id = text.strip().partition(":")
        platform = platform.lower()
        if not sep or platform not in _IDENTITY_FORMS:
            raise ValueError(
                f"{text!r} is not an identity: use discord:<id>, whatsapp:+E164 or console:<name>"
            )
        if not _IDENTITY_FORMS[platform].fullmatch(user_id):
            raise ValueError(f"{text!r} is not a valid {platform} identity")
        return cls(platform, user_id)

    def __str__(self) -> str:
        return f"{self.platform}:{self.user_id}"


class MemberStatus(StrEnum):
    PENDING = "pending"
    MEMBER = "member"
    LEFT = "left"


class Role(IntEnum):
    """What a person may do; each level includes the ones below it."""

    EVERYONE = 0
    MEMBER = 1
    MODERATOR = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Member:
    id: int
    handle: str
    display_name: str
    status: MemberStatus
    joined_at: datetime
    left_at: datetime | None = None
    language: str | None = None
    """The language the member chose (`LANGUAGE fr`); None: their app's, else the community's."""
    timezone: str | None = None
    """The member's IANA time zone (`TIMEZONE Europe/Rome`, or their WhatsApp number's); None: the
    community's."""

    @property
    def is_active(self) -> bool:
        return self.status is not MemberStatus.LEFT

    def mention(self) -> str:
        return f"@{self.handle}"


@dataclass(frozen=True)
class Choice:
    """An answer offered to the reader: a button on Discord, a numbered line elsewhere."""

    label: str
    command: str
    ask: str | None = None
    """The words to ask for before it runs (`Why is it rejected?`), which then follow the command: a form
    on Discord; elsewhere the reader sends the command with them."""
    typed: bool = False
    """Answered by typing its label (a score: `7` is the choice labelled 7), not by a number: a button on
    Discord like any other; WhatsApp and the console show such choices unnumbered, on one line."""


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    private: bool = False
    """Only for the asker's eyes (an ephemeral message on Discord)."""
    language: str | None = None
    """The language the text is in, when it is not the community's (picks a WhatsApp template's language)."""
    board: str | None = None
    """A live post (`poll:3`): a platform that can edit what it sent keeps the message under this key, so
    that later versions (live results) replace its text rather than being posted again."""
    teaser: str | None = None
    """What a template carries instead of the text where free-form text cannot go (outside WhatsApp's
    24-hour window): a line saying what it is and how to read it (a newsletter: `send NEWS`)."""
    author: str | None = None
    """Whose words these are when the bot passes a person's message on (a circle's chat in its bridged
    channel): a platform that can post as someone (a Discord channel webhook) shows it as the author's name,
    the others put the name before the text."""
    mentions: tuple[tuple[str, Identity], ...] = ()
    """`@handle` tokens in the text with the identities of the member each names (every platform's): a
    platform turns them into its own mentions (a Discord user mention); elsewhere they stay as typed."""
    files: tuple[str, ...] = ()
    """Files that go with the text (keys of the bot's media store): a platform that can carry them posts them
    as attachments (a circle member's photo in the bridged Discord channel)."""
    files_note: str | None = None
    """The text's last line that stands for the files where they cannot go (`📎 2 files`): a platform that
    attached every one of them drops it; any other keeps the text as it is."""

    @property
    def without_files(self) -> Reply:
        """As said where the files cannot go: the text with its line saying how many came."""
        return replace(self, files=(), files_note=None)


@dataclass(frozen=True)
class Attachment:
    url: str
    content_type: str
    size: int | None = None
    stored: str | None = None
    """The bot's own copy (a key of its media store), once kept."""
    refused: str | None = None
    """Why it was not kept: `type`, `size` or `unreachable` (the command says so)."""


@dataclass(frozen=True)
class RoleUpdate:
    """Grant or remove a platform role (e.g. a level's Discord role); applied by that platform's adapter."""

    to: Identity
    role: str
    grant: bool
    reason: str
