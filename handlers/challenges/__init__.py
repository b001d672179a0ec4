"""Challenges: time-boxed calls for members' content, reviewed, credited once, with winners."""

from handlers.challenges import _jobs as jobs
from handlers.challenges import _recurring as recurring
from handlers.challenges._commands import commands
from handlers.challenges._ports import CHALLENGES
from handlers.challenges._settings import ChallengesConfig
from handlers.challenges._state import END_JOB, RECUR_JOB, REMIND_JOB, Challenges, build
from handlers.feature import Feature, Hooks, JobKind
from handlers.settings import ConfigSection

FEATURE: Feature[Challenges] = Feature(
    name="challenges",
    build=build,
    sections=(ConfigSection("challenges", ChallengesConfig),),
    requires=("members", "points"),
    repositories=(CHALLENGES,),
    commands=commands,
    hooks=Hooks(start=(recurring.schedule,)),
    jobs=(
        JobKind(END_JOB, jobs.end),
        JobKind(REMIND_JOB, jobs.remind),
        JobKind(RECUR_JOB, recurring.run),
    ),
)
