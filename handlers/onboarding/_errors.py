"""What onboarding refuses, with the values it reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.onboarding._settings import SKIP

NAMING = "name them as @name, or by phone in international form (+14155550123)"


@dataclass(eq=False)
class RulesFirst(PermissionDenied):
    """A pending newcomer tried a member command."""

    community: str
    command: str

    def text(self) -> str:
        return (
            f"You haven't accepted the rules of {self.community} yet, so {self.command} has to wait: "
            "send AGREE to accept them (RULES shows them)."
        )


@dataclass(eq=False)
class AgreedAlready(Conflict):
    def text(self) -> str:
        return "You are already a full member: there is nothing to accept. Send HELP to see what you can do."


@dataclass(eq=False)
class NoSuchQuestion(NotFound):
    key: str
    keys: Sequence[str] = ()
    """The questions there are (PROFILE names them)."""

    def text(self) -> str:
        if self.keys:
            return f"There is no question “{shorten(self.key)}”: use one of {', '.join(self.keys)}."
        return f"There is no question “{shorten(self.key)}”. PROFILE lists the questions."


@dataclass(eq=False)
class NotAsked(Conflict):
    question: str

    def text(self) -> str:
        return (
            f"The question {self.question} is not waiting for an answer: change answers with "
            f"PROFILE {self.question} <answer>."
        )


@dataclass(eq=False)
class NotAnAnswer(UsageError):
    given: str
    question: str
    answers: Sequence[str]

    def text(self) -> str:
        keys = ", ".join(self.answers)
        return f"“{shorten(self.given)}” is not an answer to {self.question}: use one of {keys} or {SKIP}."


@dataclass(eq=False)
class UnknownReferralCode(UsageError):
    code: str

    def text(self) -> str:
        return (
            f"No member has the referral code “{shorten(self.code, 20)}”: check it with whoever gave it to "
            "you, or send JOIN alone."
        )


@dataclass(eq=False)
class OwnReferralCode(UsageError):
    def text(self) -> str:
        return "That is your own referral code: it is for people you invite. Send JOIN alone."


@dataclass(eq=False)
class IntroducedAlready(Conflict):
    def text(self) -> str:
        return "You have already introduced yourself: once is enough, thank you!"


@dataclass(eq=False)
class ThatIsYou(Conflict):
    def text(self) -> str:
        return "That's you! To introduce yourself, send INTRO me <your story>."


@dataclass(eq=False)
class NewcomerIntroducedAlready(Conflict):
    named: str
    by: str | None = None
    """The handle of whoever introduced them first."""
    joined: bool = False
    """They have joined already (else: they only need to JOIN)."""

    def text(self) -> str:
        by = f" by @{self.by}" if self.by else ""
        if self.joined:
            return f"{self.named} was already introduced{by}."
        return f"{self.named} was already introduced{by}: they only need to JOIN."


@dataclass(eq=False)
class NotANewcomer(Conflict):
    handle: str
    member_before: bool = False
    """They were a member and left (else they are one now)."""

    def text(self) -> str:
        if self.member_before:
            return f"@{self.handle} has been a member before: introductions are for newcomers."
        return f"@{self.handle} is already a member: introductions are for newcomers."


@dataclass(eq=False)
class UnknownNewcomer(NotFound):
    named: str

    def text(self) -> str:
        return f"I don't know {shorten(self.named)} here: {NAMING}."


@dataclass(eq=False)
class NotAPhoneNumber(UsageError):
    given: str

    def text(self) -> str:
        return (
            f"“{shorten(self.given, 20)}” is not a phone number: write it in international form, "
            "like +14155550123."
        )


@dataclass(eq=False)
class NotAnIdentity(UsageError):
    problem: str

    def text(self) -> str:
        return f"{self.problem}."


@dataclass(eq=False)
class WhoIsThat(UsageError):
    given: str

    def text(self) -> str:
        return (
            f"Who is “{shorten(self.given)}”? {NAMING[0].upper()}{NAMING[1:]}; or send INTRO me <your story>."
        )


@dataclass(eq=False)
class IntroductionTooLong(UsageError):
    most: int

    def text(self) -> str:
        return f"Keep an introduction under {self.most} characters."
