"""Onboarding: rules and acceptance, questions, introductions, referral codes and invites, nudges."""

from handlers.feature import Feature, Hooks, JobKind, provide
from handlers.onboarding import _digest as digest
from handlers.onboarding import _flow as flow
from handlers.onboarding import _intros as intros
from handlers.onboarding import _nudges as nudges
from handlers.onboarding import _referrals as referrals
from handlers.onboarding._commands import commands
from handlers.onboarding._ports import ONBOARDING
from handlers.onboarding._settings import OnboardingConfig
from handlers.onboarding._state import Onboarding, build
from handlers.referrals import REFERRALS
from handlers.segments import SEGMENTS
from handlers.settings import ConfigSection

FEATURE: Feature[Onboarding] = Feature(
    name="onboarding",
    build=build,
    sections=(ConfigSection("onboarding", OnboardingConfig),),
    requires=("members", "points", "consent"),
    repositories=(ONBOARDING,),
    provides=(
        provide(SEGMENTS, lambda onboarding: onboarding),
        provide(REFERRALS, lambda onboarding: onboarding),
    ),
    commands=commands,
    hooks=Hooks(
        joined=(flow.joined,),
        left=(referrals.left,),
        gates=(flow.gate,),
        unmatched=(intros.prompt_reply,),
        digest=(digest.week,),
    ),
    jobs=(JobKind(nudges.JOB, nudges.run), JobKind(referrals.CHECK_JOB, referrals.check_job)),
)
