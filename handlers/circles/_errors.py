"""What the circles refuse, with the values they report (wording: the `circles` catalogs). Each says how to
do it right; nothing is relayed, nothing half."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.i18n import Translator


@dataclass(eq=False)
class NoSuchCircle(NotFound):
    name: str

    def text(self, t: Translator) -> str:
        return t("circles.no_such_circle", name=shorten(self.name))


@dataclass(eq=False)
class CircleFull(Conflict):
    name: str
    size: int

    def text(self, t: Translator) -> str:
        return t("circles.full", name=self.name, count=self.size)


@dataclass(eq=False)
class AlreadyIn(Conflict):
    name: str

    def text(self, t: Translator) -> str:
        return t("circles.already_in", name=self.name)


@dataclass(eq=False)
class NotIn(Conflict):
    name: str

    def text(self, t: Translator) -> str:
        return t("circles.not_in", name=self.name)


@dataclass(eq=False)
class InNoCircle(Conflict):
    def text(self, t: Translator) -> str:
        return t("circles.in_no_circle")


@dataclass(eq=False)
class WhichCircle(UsageError):
    """Several circles, and the command did not say which one."""

    names: tuple[str, ...]

    def text(self, t: Translator) -> str:
        return t("circles.which_circle", names=", ".join(self.names))


@dataclass(eq=False)
class BadCircleName(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("circles.bad_name", given=shorten(self.given))


@dataclass(eq=False)
class BadChannel(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("circles.bad_channel", given=shorten(self.given))


@dataclass(eq=False)
class CircleExists(Conflict):
    """The name is taken, or the channel is bridged to another circle already."""

    name: str
    channel: str | None

    def text(self, t: Translator) -> str:
        if self.channel is None:
            return t("circles.exists", name=self.name)
        return t("circles.exists_or_channel", name=self.name, channel=self.channel)


@dataclass(eq=False)
class NoDirectChat(Conflict):
    """A member reached only on Discord: circles pass messages on by WhatsApp (Discord has the channel)."""

    channel: str | None

    def text(self, t: Translator) -> str:
        if self.channel is None:
            return t("circles.no_direct_chat")
        return t("circles.no_direct_chat_channel", channel=self.channel)


@dataclass(eq=False)
class Muted(PermissionDenied):
    name: str

    def text(self, t: Translator) -> str:
        return t("circles.muted", name=self.name)


@dataclass(eq=False)
class TooFast(Conflict):
    limit: int
    seconds: int

    def text(self, t: Translator) -> str:
        return t("circles.too_fast", count=self.limit, seconds=self.seconds)


@dataclass(eq=False)
class NotYetMember(PermissionDenied):
    """Pending (the rules not accepted yet): their messages reach nobody."""

    def text(self, t: Translator) -> str:
        return t("circles.pending")


@dataclass(eq=False)
class OptedOut(PermissionDenied):
    def text(self, t: Translator) -> str:
        return t("circles.opted_out")


@dataclass(eq=False)
class MediaRefused(UsageError):
    reason: str
    """The media store's `refused`: `type`, `size`, `count` or `unreachable`."""

    def text(self, t: Translator) -> str:
        key = REFUSALS.get(self.reason, "circles.media_unreachable")
        return t(key)


REFUSALS = {
    "type": "circles.media_type",
    "size": "circles.media_size",
    "count": "circles.media_count",
    "unreachable": "circles.media_unreachable",
}


@dataclass(eq=False)
class NotAMessageNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("circles.bad_message_number", given=shorten(self.given))


@dataclass(eq=False)
class NoSuchMessage(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("circles.no_such_message", number=self.number)


@dataclass(eq=False)
class AlreadyMuted(Conflict):
    handle: str
    name: str
    muted: bool

    def text(self, t: Translator) -> str:
        key = "circles.already_muted" if self.muted else "circles.not_muted"
        return t(key, handle=self.handle, name=self.name)


@dataclass(eq=False)
class BadSize(UsageError):
    given: int
    low: int
    high: int

    def text(self, t: Translator) -> str:
        return t("circles.bad_size", given=self.given, low=self.low, high=self.high)
