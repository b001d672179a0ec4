"""Polls: one poll on every platform, one ballot per member, a deadline that holds across restarts."""

from handlers.feature import Feature, Hooks, JobKind
from handlers.polls import _announce as announce
from handlers.polls import _digest as digest
from handlers.polls import _jobs as jobs
from handlers.polls._commands import commands
from handlers.polls._ports import POLLS
from handlers.polls._settings import PollsConfig
from handlers.polls._state import FANOUT_JOB, JOB, Polls, build
from handlers.settings import ConfigSection

FEATURE: Feature[Polls] = Feature(
    name="polls",
    build=build,
    sections=(ConfigSection("polls", PollsConfig),),
    requires=("members", "points", "onboarding"),
    repositories=(POLLS,),
    commands=commands,
    hooks=Hooks(digest=(digest.week,)),
    jobs=(JobKind(JOB, jobs.run, describe=jobs.describe), JobKind(FANOUT_JOB, announce.send_page)),
)
