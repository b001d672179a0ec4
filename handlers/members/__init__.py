"""Members: joining (JOIN, a platform join), leaving, and how a member is known (WHOAMI)."""

from handlers.feature import Feature, provide
from handlers.members._commands import commands
from handlers.members._membership import Members, build
from handlers.membership import MEMBERSHIP

FEATURE: Feature[Members] = Feature(
    name="members",
    build=build,
    provides=(provide(MEMBERSHIP, lambda members: members),),
    commands=commands,
)
