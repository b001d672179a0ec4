"""What the bot sends, and to whom it may: message kinds, the delivery policy, the outbox's records.

Every message says what it is (a kind from a closed set). An answer to the person's own action always
goes; a proactive message (they did not just ask for it) goes only to a member who is still here, who has
not sent STOP on any of their platforms, and, on a platform that needs an explicit opt-in (WhatsApp), to a
number that opted in. The policy is decided once, here, when the message is about to leave, for every
platform alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from handlers.models import Choice, Identity, Reply


class MessageKind(StrEnum):
    """What a message is. WhatsApp picks the approved template for it by this name."""

    REPLY = "reply"
    """Answers what the person just did (a command, a chat message, a click)."""
    WELCOME = "welcome"
    """The welcome after a platform join: it answers their joining, with the rules to accept."""
    NOTICE = "notice"
    """Something about them they did not ask for: a referral credited, a link made, a reward on its way."""
    KUDOS = "kudos"
    """Someone thanked them."""
    AWARD = "award"
    """A moderator gave them points or corrected them."""
    LEVEL_UP = "level_up"
    NUDGE = "nudge"
    """An onboarding follow-up."""
    INVITATION = "invitation"
    """A member introduced them to the community (they may not be a member yet)."""
    ANNOUNCEMENT = "announcement"
    """A post in a community channel."""
    MODERATION = "moderation"
    """A post in the moderators' channel (a redemption to fulfil)."""
    POLL = "poll"
    """A poll opened, or its results, sent to a member (WhatsApp members, when the poll is announced)."""
    REMINDER = "reminder"
    """A founder session is coming, moved or cancelled: sent to those who said they come."""
    NEWSLETTER = "newsletter"
    """The community's weekly digest, or a scheduled announcement, sent to opted-in members."""
    SURVEY = "survey"
    """A question they did not ask for: the NPS survey's "how likely are you to recommend us?"."""
    CIRCLE = "circle"
    """A circle member's chat passed on to the others (joining the circle is the opt-in for it), a correction
    of one, or, outside WhatsApp's window, the notice that messages wait for them."""

    @property
    def proactive(self) -> bool:
        return self not in ANSWERS


ANSWERS = frozenset({MessageKind.REPLY, MessageKind.WELCOME})


@dataclass(frozen=True)
class Outgoing:
    """A message a unit of work sends once it has committed: to an identity, a member (on the platform
    they used last that may receive it), or a channel."""

    reply: Reply
    to: Identity | None = None
    member_id: int | None = None
    channel: str | None = None
    kind: MessageKind = MessageKind.REPLY

    def queued(self, row_id: int) -> Queued:
        """This message as the outbox row `row_id` that was just written for it."""
        return Queued(row_id, self.kind, self.reply, self.to, self.member_id, self.channel, 0)


@dataclass(frozen=True)
class Delivery:
    """An outbox row as a platform's messenger is handed it: `to` is resolved (None for a channel post)."""

    id: int
    kind: MessageKind
    reply: Reply
    to: Identity | None = None
    channel: str | None = None
    attempts: int = 0


@dataclass(frozen=True)
class Queued:
    """An outbox row as the dispatcher reads it back (`to` may still be a member to resolve)."""

    id: int
    kind: MessageKind
    reply: Reply
    to: Identity | None
    member_id: int | None
    channel: str | None
    attempts: int


class DeliveryFailed(Exception):
    """A messenger could not deliver. `retry`: it certainly did not arrive and may be tried again;
    `uncertain`: it may have arrived (a timeout after the request went out): never sent again."""

    def __init__(self, reason: str, retry: bool = False, uncertain: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.uncertain = uncertain


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    WITHHELD = "withheld"
    """The policy kept it back (STOP, left, never opted in, no platform to reach them on)."""
    FAILED = "failed"
    UNKNOWN = "unknown"
    """Interrupted while sending, or a timeout after the request went out: it may have arrived, so it is
    never resent."""


@dataclass(frozen=True)
class Outcome:
    id: int
    state: DeliveryState
    note: str | None = None
    retry_at: datetime | None = None
    """With PENDING: when to try again."""


class OutboxRepository(Protocol):
    """Written in the unit of work's own transaction, so its messages are as durable as its changes."""

    async def add(self, messages: Sequence[Outgoing], now: datetime) -> list[Queued]:
        """The rows written, in order (the dispatcher sends them as they are, without reading them back)."""
        ...


class DeliveryLog(Protocol):
    """The dispatcher's progress, committed on a connection of its own: a command's rollback can never take
    a `sending` mark with it."""

    async def claim(self, plan: Sequence[tuple[int, str | None]], now: datetime) -> set[int]:
        """Mark the rows `sending` (committed), each with the platform it goes to; the ids this claim got
        (a row another dispatcher claimed first is not among them)."""
        ...

    async def due(self, now: datetime, limit: int) -> list[Queued]:
        """Pending rows whose time has come, oldest first."""
        ...

    async def settle(self, outcomes: Sequence[Outcome], now: datetime) -> None: ...
    async def interrupted(self, retried: frozenset[str], now: datetime) -> tuple[int, int]:
        """At start: rows left `sending` by a crash. Those to a platform in `retried` (where handing over
        twice has no second effect) are pending again; the others end `unknown`. (unknown, retried)."""
        ...


RETRY_DELAYS = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
"""When a delivery that certainly did not arrive is tried again; after the last, it has failed."""


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after the `attempts`-th failed try; None: give up."""
    if attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]


_ENCODER = json.JSONEncoder(ensure_ascii=False)
"""One encoder for every payload: json.dumps with options builds a new one per call (the chat path writes
thousands of payloads a second)."""


def reply_to_json(reply: Reply) -> str:
    data: dict[str, object] = {
        "text": reply.text,
        "choices": [_choice_to_json(c) for c in reply.choices],
        "private": reply.private,
    }
    if reply.language is not None:
        data["language"] = reply.language
    if reply.board is not None:
        data["board"] = reply.board
    if reply.teaser is not None:
        data["teaser"] = reply.teaser
    if reply.author is not None:
        data["author"] = reply.author
    if reply.mentions:
        data["mentions"] = [[token, str(identity)] for token, identity in reply.mentions]
    if reply.files:
        data["files"] = list(reply.files)
    if reply.files_note is not None:
        data["files_note"] = reply.files_note
    return _ENCODER.encode(data)


def reply_from_json(text: str) -> Reply:
    data = json.loads(text)
    choices = tuple(_choice_from_json(c) for c in data.get("choices", ()))
    return Reply(
        data["text"],
        choices,
        bool(data.get("private", False)),
        data.get("language"),
        data.get("board"),
        data.get("teaser"),
        data.get("author"),
        tuple((token, Identity.parse(identity)) for token, identity in data.get("mentions", ())),
        tuple(str(key) for key in data.get("files", ())),
        data.get("files_note"),
    )


def _choice_to_json(choice: Choice) -> list[object]:
    """`[label, command]`; a choice that asks for words or is typed by its label carries both flags too."""
    if choice.ask is None and not choice.typed:
        return [choice.label, choice.command]
    return [choice.label, choice.command, choice.ask, choice.typed]


def _choice_from_json(values: list[object]) -> Choice:
    label, command, *rest = values
    ask = rest[0] if rest else None
    return Choice(str(label), str(command), None if ask is None else str(ask), bool(rest[1:] and rest[1]))
