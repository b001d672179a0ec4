"""Challenges: time-boxed calls for members' content, reviewed, credited once, with winners."""

from handlers.challenges import _jobs as jobs
from handlers.challenges._commands import commands
from handlers.challenges._ports import CHALLENGES
from handlers.challenges._settings import ChallengesConfig
from handlers.challenges._state import END_JOB, REMIND_JOB, Challenges, build
from handlers.feature import Feature, JobKind
from handlers.settings import ConfigSection

FEATURE: Feature[Challenges] = Feature(
    name="challenges",
    build=build,
    sections=(ConfigSection("challenges", ChallengesConfig),),
    requires=("members", "points"),
    repositories=(CHALLENGES,),
    commands=commands,
    jobs=(JobKind(END_JOB, jobs.end), JobKind(REMIND_JOB, jobs.remind)),
)
