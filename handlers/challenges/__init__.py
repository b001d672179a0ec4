"""Challenges: time-boxed calls for members' content, reviewed, credited once, with winners."""

from datetime import timedelta

from handlers.challenges import _digest as digest
from handlers.challenges import _jobs as jobs
from handlers.challenges import _recurring as recurring
from handlers.challenges._commands import commands
from handlers.challenges._ports import CHALLENGES
from handlers.challenges._settings import ChallengesConfig
from handlers.challenges._state import END_JOB, RECUR_JOB, REMIND_JOB, Challenges, build
from handlers.feature import Feature, Hooks, JobKind
from handlers.settings import ConfigSection
from handlers.timers import CatchUp

FEATURE: Feature[Challenges] = Feature(
    name="challenges",
    build=build,
    sections=(ConfigSection("challenges", ChallengesConfig),),
    requires=("members", "points"),
    repositories=(CHALLENGES,),
    commands=commands,
    hooks=Hooks(start=(recurring.schedule,), digest=(digest.week,)),
    jobs=(
        JobKind(END_JOB, jobs.end, describe=jobs.describe_end),
        # A reminder to review, an hour late or more, would come after the challenge ended.
        JobKind(REMIND_JOB, jobs.remind, CatchUp.SKIP, timedelta(hours=1), jobs.describe_reminder),
        JobKind(RECUR_JOB, recurring.run, CatchUp.LATEST, describe=recurring.describe),
    ),
)
