"""SCHEDULE: what scheduled work is coming (poll closes, reminders, newsletters), for moderators."""

from handlers.feature import Feature
from handlers.schedule._commands import commands
from handlers.schedule._state import Schedule, build

FEATURE: Feature[Schedule] = Feature(
    name="schedule",
    build=build,
    commands=commands,
)
