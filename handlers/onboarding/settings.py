"""The `[onboarding]` section of the community file."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator, model_validator

from handlers.section import Section

KEY = r"^[a-z0-9][a-z0-9_-]{0,23}$"
_DURATION = re.compile(r"([0-9]+)([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
SKIP = "skip"


def parse_delay(text: str) -> timedelta:
    """`30m`, `12h`, `1d`, `2w`, `1d12h`; ValueError otherwise."""
    compact = text.strip().lower()
    if not compact or _DURATION.sub("", compact):
        raise ValueError(f"{text!r} is not a delay: use e.g. 30m, 12h, 1d, 2w or 1d12h")
    total = timedelta()
    for number, unit in _DURATION.findall(compact):
        total += timedelta(**{_UNITS[unit]: int(number)})
    if total <= timedelta():
        raise ValueError("a delay must be longer than zero")
    return total


class AnswerConfig(Section):
    """One answer to an onboarding question."""

    key: str = Field(pattern=KEY)
    """What `ANSWER <question> <key>` and `PROFILE` use."""
    label: str = Field(min_length=1, max_length=80)
    segment: str | None = Field(default=None, pattern=KEY)
    role: str | None = None
    """A platform role id (Discord) granted to members who give this answer."""


class QuestionConfig(Section):
    key: str = Field(pattern=KEY)
    text: str = Field(min_length=1, max_length=300)
    choices: list[AnswerConfig] = Field(min_length=2, max_length=10)

    @field_validator("choices")
    @classmethod
    def _distinct(cls, choices: list[AnswerConfig]) -> list[AnswerConfig]:
        keys = [c.key for c in choices]
        if len(set(keys)) != len(keys):
            raise ValueError("each answer needs its own key")
        if SKIP in keys:
            raise ValueError(f"“{SKIP}” is reserved for skipping a question")
        return choices

    def answer(self, key: str) -> AnswerConfig | None:
        return next((c for c in self.choices if c.key == key.lower()), None)


class NudgeConfig(Section):
    after: str
    """How long after joining, e.g. `1d` or `7d`."""
    text: str = Field(min_length=1, max_length=1000)
    """{name} and {community} are replaced."""
    unless: Literal["agreed", "answered", "introduced"] | None = None
    """Skip the nudge when the member already did this."""

    @field_validator("after")
    @classmethod
    def _delay(cls, value: str) -> str:
        parse_delay(value)
        return value

    @property
    def delay(self) -> timedelta:
        return parse_delay(self.after)


class OnboardingConfig(Section):
    rules: list[str] = Field(default_factory=list, max_length=20)
    """Newcomers accept these with AGREE before taking part; empty: no acceptance step."""
    member_role: str | None = None
    """A platform role id (Discord) granted when a newcomer accepts the rules."""
    intro_points: int = Field(default=10, ge=0, le=10_000)
    referral_points: int = Field(default=50, ge=0, le=100_000)
    referral_hold_days: int = Field(default=0, ge=0, le=365)
    """Pay the referrer only once the newcomer has stayed this many days (0: when they finish onboarding)."""
    referral_clawback_days: int = Field(default=30, ge=0, le=365)
    """Take referral points back when the newcomer leaves within this many days of joining."""
    questions: list[QuestionConfig] = Field(default_factory=list, max_length=5)
    nudges: list[NudgeConfig] = Field(default_factory=list, max_length=10)

    @field_validator("rules")
    @classmethod
    def _rules(cls, rules: list[str]) -> list[str]:
        if any(not rule.strip() or len(rule) > 300 for rule in rules):
            raise ValueError("each rule is a non-empty line of at most 300 characters")
        return rules

    @model_validator(mode="after")
    def _distinct_questions(self) -> OnboardingConfig:
        keys = [q.key for q in self.questions]
        if len(set(keys)) != len(keys):
            raise ValueError("each question needs its own key")
        return self

    @property
    def guided(self) -> bool:
        """Rules or questions are configured: newcomers are walked through them and then invited to
        introduce themselves (otherwise JOIN just welcomes them)."""
        return bool(self.rules or self.questions)

    def question(self, key: str) -> QuestionConfig | None:
        return next((q for q in self.questions if q.key == key.lower()), None)
