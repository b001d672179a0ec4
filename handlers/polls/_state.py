"""The polls feature's state: its repository and the ports it asks about members and points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.context import Context
from handlers.feature import Setup
from handlers.i18n import Catalogs, Translator
from handlers.keys import record_number
from handlers.ledger import LEDGER, Ledger
from handlers.levels import LEVELS, Levels
from handlers.live import LivePosts
from handlers.models import Member, Reply
from handlers.polls import _render as render
from handlers.polls._errors import BadPollNumber, BelowLevel, NoSuchPoll, OutsideSegment, PollClosed
from handlers.polls._models import Poll, PollState
from handlers.polls._ports import POLLS, PollRepository
from handlers.polls._settings import PollsConfig
from handlers.ports import JobRepository
from handlers.segments import SEGMENTS, Segments

JOB = "poll_close"
FANOUT_JOB = "poll_fanout"


@dataclass(frozen=True)
class Polls:
    repo: PollRepository
    ledger: Ledger
    levels: Levels
    segments: Segments
    settings: PollsConfig
    jobs: JobRepository
    tz: ZoneInfo
    default_channel: str
    texts: Catalogs
    language: str
    """The community's: the language of channel posts."""
    live: LivePosts
    _open: dict[int, Poll] = field(default_factory=dict)
    """Open polls as last read: a burst of votes reads its poll once. Dropped when a commit changes one
    (`changed`); this process is the only one writing the database (issue 20 revisits it for several)."""

    async def find(self, given: str) -> Poll:
        number = record_number(given)
        if number is None:
            raise BadPollNumber(given)
        cached = self._open.get(number)
        if cached is not None:
            return cached
        poll = await self.repo.poll(number)
        if poll is not None and poll.is_open:
            self._open[number] = poll
        if poll is None:
            raise NoSuchPoll(number)
        return poll

    async def open_for_votes(self, given: str, now: datetime) -> Poll:
        """The poll, if it takes votes now: a poll whose deadline passed is closed, even before the job
        that posts its results has run."""
        poll = await self.find(given)
        if not poll.is_open or now >= poll.deadline:
            raise PollClosed(poll.id, cancelled=poll.state is PollState.CANCELLED)
        return poll

    async def check_audience(self, poll: Poll, member: Member, t: Translator) -> None:
        if not await self.in_audience(poll, member):
            if poll.min_level is not None and await self.levels.level_of(member.id) < poll.min_level:
                raise BelowLevel(self.level_name(poll.min_level, t) or "")
            raise OutsideSegment()

    async def in_audience(self, poll: Poll, member: Member) -> bool:
        if poll.min_level is not None and await self.levels.level_of(member.id) < poll.min_level:
            return False
        return poll.segment is None or poll.segment in await self.segments.segments_of(member.id)

    def level_name(self, index: int | None, t: Translator) -> str | None:
        names = self.levels.level_names(t)
        return None if index is None else names[min(index, len(names) - 1)]

    def changed(self, poll_id: int) -> None:
        """After a commit that changed the poll itself (closed, extended, cancelled): read it again."""
        self._open.pop(poll_id, None)
        self.refresh(poll_id)

    def refresh(self, poll_id: int) -> None:
        """After a commit that changed the poll's votes or state: its live post is edited soon."""
        self.live.changed(f"poll:{poll_id}", lambda: self._live_post(poll_id))

    async def _live_post(self, poll_id: int) -> Reply:
        poll = await self.repo.poll(poll_id)
        assert poll is not None
        t = self.texts.translator(self.language)
        tally = await self.repo.tally(poll)
        return render.live(t, poll, tally, self.tz, self.credits(t, poll), self.level_name(poll.min_level, t))

    def credits(self, t: Translator, poll: Poll) -> str | None:
        return self.ledger.amount(t, poll.points) if poll.points else None

    async def schedule_close(self, ctx: Context, poll: Poll, again: bool = False) -> None:
        """The job that closes the poll at its deadline; keyed by the deadline, so a replayed command or an
        extension adds one job per deadline, and a job whose deadline is no longer the poll's does nothing."""
        key = f"poll:{poll.id}:close:{poll.deadline.isoformat()}"
        if again:  # fired before the deadline (a clock stepped back): a job of its own for the same deadline
            key += f":again:{ctx.now.isoformat()}"
        await self.jobs.schedule(
            JOB, poll.deadline, {"poll": poll.id, "deadline": poll.deadline.isoformat()}, key
        )


def build(setup: Setup) -> Polls:
    config = setup.config
    settings = setup.section(PollsConfig)
    return Polls(
        setup.repository(POLLS),
        setup.need(LEDGER),
        setup.need(LEVELS),
        setup.need(SEGMENTS),
        settings,
        setup.services.jobs,
        config.community.tz,
        settings.channel or config.channels.announcements,
        setup.texts,
        config.community.language,
        LivePosts(setup.platforms.editor, settings.live_update_seconds),
    )
