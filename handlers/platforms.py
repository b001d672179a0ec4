"""What the running platform adapters offer the features, passed in explicitly at start.

A capability only some platforms have (roles, invites) is None when no running platform has it, so a
feature checks for it once instead of asking an adapter what it can do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.bridge import PostRemover
from handlers.calendar import EventPublisher
from handlers.models import Identity
from handlers.ports import InviteMaker, PostEditor, RoleManager


@dataclass(frozen=True)
class Platforms:
    roles: RoleManager | None = None
    invites: InviteMaker | None = None
    editor: PostEditor | None = None
    """Live posts are edited in place (poll results) where a running platform can."""
    remover: PostRemover | None = None
    """A moderator's removal of a circle message deletes it on the platform that can (Discord)."""
    events: EventPublisher | None = None
    """Founder sessions become the platform's own scheduled events (Discord's) where one can."""
    zone_of: Callable[[Identity], str | None] | None = None
    """The time zone an identity gives where it names one (a WhatsApp number's country code): a new
    member starts in it rather than in the community's."""
    whatsapp_number: str | None = None
    """The WhatsApp sender (`whatsapp:+E164`) when WhatsApp is set up: referral links point at it."""
    consent_wording: str | None = None
    """What members agree to when they opt in (the community file's [whatsapp] consent_wording);
    None: the consent feature's own wording."""
    public_base_url: str | None = None
    """Where the bot's web server is reached from outside (`https://bot.example.com`) when it runs:
    messages link pages it serves (a session's calendar file). None: no links."""
    running: frozenset[str] | None = None
    """The platforms with a running adapter; a message to anyone else is withheld. None: every platform
    (the core's tests, with one messenger for all)."""
    channels: bool = True
    """Whether a running platform posts to channels (the console and Discord do, WhatsApp does not): if
    none does, a channel post is withheld before it is claimed, so a crash cannot leave it `unknown`."""
    idempotent: frozenset[str] = frozenset()
    """Platforms where handing a message over twice has no second effect (WhatsApp's outbox keeps one row
    per delivery): an interrupted hand-over is tried again rather than marked unknown."""
    durable_replies: frozenset[str] = frozenset()
    """Platforms whose adapter sends replies through the outbox (WhatsApp: an acknowledged webhook has no
    other way to answer), so that replies are written in the command's transaction too."""

    def reaches(self, platform: str) -> bool:
        return self.running is None or platform in self.running
