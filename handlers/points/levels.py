"""Levels (tiers) from points earned."""

from __future__ import annotations

from handlers.points.rules import LevelsConfig, Tier


def level_of(levels: LevelsConfig, earned: int) -> Tier:
    current = levels.tiers[0]
    for tier in levels.tiers:
        if earned >= tier.threshold:
            current = tier
    return current


def next_level(levels: LevelsConfig, earned: int) -> Tier | None:
    for tier in levels.tiers:
        if tier.threshold > earned:
            return tier
    return None
