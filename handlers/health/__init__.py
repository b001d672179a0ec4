"""Community health: activity counted per member and day, a daily roll-up of KPIs, engagement segments
(with roles, the moderators' at-risk list and win-back nudges), and STATS."""

from handlers.feature import Feature, Hooks, JobKind, provide
from handlers.health import _rollup as rollup
from handlers.health._commands import commands
from handlers.health._ports import HEALTH
from handlers.health._report import Reports
from handlers.health._settings import HealthConfig
from handlers.health._state import Health, build
from handlers.kpis import HEALTH_REPORT
from handlers.settings import ConfigSection
from handlers.timers import CatchUp

FEATURE: Feature[Health] = Feature(
    name="health",
    build=build,
    sections=(ConfigSection("health", HealthConfig),),
    requires=("members", "consent"),
    repositories=(HEALTH,),
    provides=(provide(HEALTH_REPORT, Reports),),
    commands=commands,
    hooks=Hooks(
        chat=(lambda health: health.counter.on_chat,),
        acted=(lambda health: health.counter.acted,),
        start=(rollup.plan,),
        drain=(rollup.drain,),
        members_changed=(lambda health, changes: health.counter.follow(changes),),
    ),
    # Internal work: not listed in SCHEDULE (it runs every night and tells the moderators nothing new).
    jobs=(
        JobKind(rollup.ROLLUP_JOB, rollup.run, catch_up=CatchUp.LATEST),
        JobKind(rollup.CATCH_UP_JOB, rollup.run, catch_up=CatchUp.LATE),  # what a stop left, once
    ),
)
