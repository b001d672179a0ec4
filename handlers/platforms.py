"""What the running platform adapters offer the features, passed in explicitly at start.

A capability only some platforms have (roles, invites) is None when no running platform has it, so a
feature checks for it once instead of asking an adapter what it can do.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.ports import InviteMaker, RoleManager


@dataclass(frozen=True)
class Platforms:
    roles: RoleManager | None = None
    invites: InviteMaker | None = None
    whatsapp_number: str | None = None
    """The WhatsApp sender (`whatsapp:+E164`) when WhatsApp is set up: referral links point at it."""
    consent_wording: str | None = None
    """What members agree to when they opt in (the community file's [whatsapp] consent_wording);
    None: the consent feature's own wording."""
