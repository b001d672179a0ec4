"""Which invite a newcomer used: Discord does not say, so use counts are cached and diffed on join."""

from __future__ import annotations

import asyncio
import logging

import discord

log = logging.getLogger(__name__)


class InviteTracker:
    """Invite code -> use count for the community's guild, refreshed at start and on every join."""

    def __init__(self) -> None:
        self.uses: dict[str, int] = {}
        self.available = False
        """False while the bot may not list invites (it needs Manage Server): joins stay unattributed."""
        self._warned = False
        self._lock = asyncio.Lock()  # two joins at once must not diff against the same snapshot

    async def refresh(self, guild: discord.Guild) -> None:
        async with self._lock:
            current = await self._fetch(guild)
            if current is not None:
                self.uses = current

    def created(self, invite: discord.Invite) -> None:
        self.uses[invite.code] = invite.uses or 0

    def deleted(self, invite: discord.Invite) -> None:
        self.uses.pop(invite.code, None)

    async def used_on_join(self, guild: discord.Guild) -> str | None:
        """The code whose use count went up since the last snapshot, when exactly one did."""
        async with self._lock:
            current = await self._fetch(guild)
            if current is None:
                return None
            grown = [code for code, uses in current.items() if uses > self.uses.get(code, 0)]
            self.uses = current
        if len(grown) == 1:
            return grown[0]
        if grown:
            log.info("several invites were used at once (%s): the join is not attributed", ", ".join(grown))
        return None

    async def _fetch(self, guild: discord.Guild) -> dict[str, int] | None:
        try:
            invites = await guild.invites()
        except discord.Forbidden:
            if not self._warned:  # once, not on every join
                self._warned = True
                log.warning(
                    "the bot cannot list invites in %s: give it the Manage Server permission to "
                    "attribute joins to invites",
                    guild,
                )
            self.available = False
            return None
        except discord.HTTPException as error:
            log.warning("could not list invites: %s", error)
            return None
        self.available, self._warned = True, False
        return {invite.code: invite.uses or 0 for invite in invites}
