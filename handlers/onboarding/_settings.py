"""The `[onboarding]` section of the community file."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator, model_validator

from handlers.durations import positive_duration
from handlers.keys import ShortKey
from handlers.section import Section

SKIP = "skip"


class AnswerConfig(Section):
    """One answer to an onboarding question."""

    key: ShortKey
    """What `ANSWER <question> <key>` and `PROFILE` use."""
    label: str = Field(min_length=1, max_length=80)
    segment: ShortKey | None = None
    role: str | None = None
    """A platform role id (Discord) granted to members who give this answer."""


class QuestionConfig(Section):
    key: ShortKey
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


DEFAULT_NUDGES = {"agreed": "onboarding.nudge_agreed", "introduced": "onboarding.nudge_introduced"}
"""The catalog text of a nudge without a `text` of its own (in the member's language), by what it is about."""


class NudgeConfig(Section):
    after: str
    """How long after joining, e.g. `1d` or `7d`."""
    text: str | None = Field(default=None, min_length=1, max_length=1000)
    """{name} and {community} are replaced. None: the catalog's reminder in the member's language
    (for `unless = "agreed"` or `"introduced"`)."""
    unless: Literal["agreed", "answered", "introduced"] | None = None
    """Skip the nudge when the member already did this."""

    @field_validator("after")
    @classmethod
    def _delay(cls, value: str) -> str:
        positive_duration(value)
        return value

    @model_validator(mode="after")
    def _worded(self) -> NudgeConfig:
        if self.text is None and self.unless not in DEFAULT_NUDGES:
            raise ValueError(f"give the nudge a text (only unless = {' or '.join(DEFAULT_NUDGES)} has one)")
        return self

    @property
    def delay(self) -> timedelta:
        return positive_duration(self.after)


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
