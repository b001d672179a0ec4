"""The features the core is made of, installed in order into one Core."""

from __future__ import annotations

from handlers import consent, help, linking, members
from handlers.core import Core
from handlers.onboarding import feature as onboarding
from handlers.points import feature as points
from handlers.ports import Messenger
from handlers.services import Services

FEATURES = (members, help, points, consent, linking, onboarding)


def build_core(services: Services, messenger: Messenger) -> Core:
    core = Core(services, messenger)
    for feature in FEATURES:
        feature.install(core)
    return core
