"""What the NPS feature keeps: surveys, whom each asks and on which day, one answer per member and survey,
and the follow-ups of detractors' answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from handlers.key import Key
from handlers.nps._models import Answer, FollowUp, Invite, Survey, Tally


class NpsRepository(Protocol):
    async def start(self, occurrence: str, spread_days: int, now: datetime) -> tuple[Survey, bool]:
        """The survey of this occurrence of the schedule: made now (True), or as it was made before."""
        ...

    async def choose(self, survey_id: int, joined_by: datetime, cuts: Sequence[datetime]) -> int:
        """Pick the members to ask, each on day `member id % spread` of the spread: full members who joined
        by `joined_by`, waiting in no other survey and not asked since `cuts[day]`; how many."""
        ...

    async def survey(self, survey_id: int) -> Survey | None: ...
    async def latest_survey(self) -> Survey | None: ...
    async def waiting(self, survey_id: int, day: int, after: int, limit: int) -> list[int]:
        """Member ids still to ask on this day, above `after`, in order."""
        ...

    async def mark_asked(self, survey_id: int, member_id: int, now: datetime) -> bool:
        """False when they were asked (or passed over) already: nobody is asked twice."""
        ...

    async def pass_over(self, survey_id: int, member_id: int) -> None:
        """Not asked after all (they left, or sent STOP): not counted as asked."""
        ...

    async def latest_invite(self, member_id: int) -> Invite | None:
        """The survey that asked this member last."""
        ...

    async def answer(self, survey_id: int, member_id: int) -> Answer | None: ...
    async def add_answer(self, survey_id: int, member_id: int, score: int, now: datetime) -> bool:
        """False when the member answered this survey already (the database keeps one answer each)."""
        ...

    async def settle_reason(self, survey_id: int, member_id: int, reason: str | None, now: datetime) -> bool:
        """The reason (None: skipped); False when it was settled already."""
        ...

    async def open_follow_up(self, survey_id: int, member_id: int, now: datetime) -> int:
        """A detractor's answer joins the moderators' queue: the follow-up's number."""
        ...

    async def follow_up(self, follow_up_id: int) -> FollowUp | None: ...
    async def follow_up_of(self, survey_id: int, member_id: int) -> FollowUp | None: ...
    async def open_follow_ups(self, limit: int) -> list[FollowUp]:
        """Not done yet, the oldest first."""
        ...

    async def close_follow_up(self, follow_up_id: int, by: int | None, now: datetime) -> bool:
        """False when it was done already."""
        ...

    async def tally(self, survey_id: int) -> Tally: ...


NPS: Key[NpsRepository] = Key("nps")
