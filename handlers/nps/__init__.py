"""NPS surveys in chat: on a schedule, members who joined a while ago are asked, a share a day, how likely
they are to recommend the community (0-10) and why; moderators follow detractors up, promoters are invited
to bring someone."""

from handlers.feature import Feature, Hooks, JobKind
from handlers.nps import _answers as answers
from handlers.nps import _jobs as jobs
from handlers.nps._commands import commands
from handlers.nps._ports import NPS
from handlers.nps._settings import NpsConfig
from handlers.nps._state import ASK_JOB, START_JOB, Nps, build, plan
from handlers.settings import ConfigSection
from handlers.timers import CatchUp

FEATURE: Feature[Nps] = Feature(
    name="nps",
    build=build,
    sections=(ConfigSection("nps", NpsConfig),),
    requires=("members", "consent", "onboarding"),
    repositories=(NPS,),
    commands=commands,
    hooks=Hooks(start=(plan,), unmatched=(answers.typed,)),
    jobs=(
        JobKind(START_JOB, jobs.start, catch_up=CatchUp.LATEST, describe=jobs.describe_start),
        JobKind(ASK_JOB, jobs.ask, catch_up=CatchUp.LATE, describe=jobs.describe_day),
    ),
)
