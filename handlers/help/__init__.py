"""HELP: the commands the asker may use, straight from the command registry."""

from handlers.feature import Feature
from handlers.help._commands import commands
from handlers.registry import Registry

FEATURE: Feature[Registry] = Feature(
    name="help",
    build=lambda setup: setup.commands,
    commands=commands,
)
