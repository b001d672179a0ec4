"""Points ("community credits"): the ledger, activity, kudos, awards, levels and leaderboards."""

from handlers.feature import Feature, Hooks, Setup, provide
from handlers.ledger import CHAT_POINTS, LEDGER
from handlers.levels import LEVELS
from handlers.points import _digest as digest
from handlers.points import _hooks as hooks
from handlers.points._commands import commands
from handlers.points._engine import PointsEngine
from handlers.points._ports import POINTS
from handlers.points._settings import LevelsConfig, PointsRules
from handlers.settings import ConfigSection


def build(setup: Setup) -> PointsEngine:
    services = setup.services
    community = setup.config.community
    return PointsEngine(
        setup.repository(POINTS),
        services.members,
        services.clock,
        setup.section(PointsRules),
        setup.section(LevelsConfig),
        community.tz,
        setup.dispatcher,
        setup.send,
        setup.texts,
        community.language,
    )


FEATURE: Feature[PointsEngine] = Feature(
    name="points",
    build=build,
    sections=(ConfigSection("points", PointsRules), ConfigSection("levels", LevelsConfig)),
    requires=("members",),
    repositories=(POINTS,),
    provides=(
        provide(LEDGER, lambda engine: engine),
        provide(LEVELS, lambda engine: engine),
        provide(CHAT_POINTS, lambda engine: engine.chat.on_chat),
    ),
    commands=commands,
    hooks=Hooks(
        chat=(hooks.chat,),
        reactions=(hooks.reaction,),
        joined=(hooks.joined,),
        left=(hooks.left,),
        start=(hooks.start,),
        settle=(hooks.settle,),
        members_changed=(hooks.members_changed,),
        digest=(digest.week,),
    ),
)
