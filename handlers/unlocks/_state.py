"""The unlocks feature's state: its repository, where it posts, and its live posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Setup
from handlers.i18n import Catalogs
from handlers.keys import find_numbered
from handlers.live import LivePosts
from handlers.models import Reply
from handlers.ports import Clock, JobRepository
from handlers.unlocks import _render as render
from handlers.unlocks._errors import BadUnlockNumber, NoSuchUnlock, NotTakingPledges
from handlers.unlocks._models import Unlock
from handlers.unlocks._ports import UNLOCKS, UnlockRepository
from handlers.unlocks._settings import UnlocksConfig

JOB = "unlock_deadline"


@dataclass(frozen=True)
class Unlocks:
    repo: UnlockRepository
    settings: UnlocksConfig
    jobs: JobRepository
    tz: ZoneInfo
    default_channel: str
    texts: Catalogs
    language: str
    """The community's: the language of channel posts."""
    live: LivePosts
    clock: Clock

    async def find(self, given: str) -> Unlock:
        return await find_numbered(given, self.repo.unlock, BadUnlockNumber, NoSuchUnlock)

    async def taking_pledges(self, given: str, now: datetime) -> Unlock:
        unlock = await self.find(given)
        if not unlock.takes_pledges(now):
            state = unlock.state.value if now < unlock.deadline else "over"
            raise NotTakingPledges(unlock.id, state)
        return unlock

    async def schedule_deadline(self, ctx: Context, unlock: Unlock, again: bool = False) -> None:
        key = f"unlock:{unlock.id}:deadline:{unlock.deadline.isoformat()}"
        if again:  # woken before the deadline: a job of its own for the same deadline
            key += f":again:{ctx.now.isoformat()}"
        payload = {"unlock": unlock.id, "deadline": unlock.deadline.isoformat()}
        await self.jobs.schedule(JOB, unlock.deadline, payload, key)

    async def send_rewards(self, ctx: Context, unlock: Unlock, member_ids: list[int]) -> None:
        """Each of these pledgers gets the reward privately, on the platform they use (and, for an unlock
        with codes, a code of their own, or word that it follows)."""
        for member_id in member_ids:
            member = await ctx.members.by_id(member_id)
            if member is None or not member.is_active:
                continue
            code = await self.repo.give_code(unlock.id, member_id, ctx.now) if unlock.codes else None
            text = render.reward(ctx.t_for(member), unlock, code, waiting=unlock.codes)
            ctx.send_to_member(member, Reply(text), MessageKind.NOTICE)

    def refresh(self, unlock_id: int) -> None:
        """After a commit that changed the unlock: its live post is edited soon."""
        self.live.changed(f"unlock:{unlock_id}", lambda: self._live_post(unlock_id))

    async def _live_post(self, unlock_id: int) -> Reply:
        unlock = await self.repo.unlock(unlock_id)
        assert unlock is not None
        return render.post(self.texts.translator(self.language), unlock, self.tz, self.clock.now())


def build(setup: Setup) -> Unlocks:
    config = setup.config
    settings = setup.section(UnlocksConfig)
    return Unlocks(
        setup.repository(UNLOCKS),
        settings,
        setup.services.jobs,
        config.community.tz,
        settings.channel or config.channels.announcements,
        setup.texts,
        config.community.language,
        LivePosts(setup.platforms.editor, settings.live_update_seconds),
        setup.services.clock,
    )
