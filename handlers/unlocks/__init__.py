"""Group unlocks: an offer that unlocks for everyone who pledged once enough members pledge in time."""

from handlers.feature import Feature, Hooks, JobKind
from handlers.settings import ConfigSection
from handlers.unlocks import _digest as digest
from handlers.unlocks import _jobs as jobs
from handlers.unlocks._commands import commands
from handlers.unlocks._ports import UNLOCKS
from handlers.unlocks._settings import UnlocksConfig
from handlers.unlocks._state import JOB, Unlocks, build

FEATURE: Feature[Unlocks] = Feature(
    name="unlocks",
    build=build,
    sections=(ConfigSection("unlocks", UnlocksConfig),),
    requires=("members",),
    repositories=(UNLOCKS,),
    commands=commands,
    hooks=Hooks(digest=(digest.week,)),
    jobs=(JobKind(JOB, jobs.run, describe=jobs.describe),),
)
