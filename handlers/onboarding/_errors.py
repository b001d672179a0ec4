"""What onboarding refuses, with the values it reports; the wording is in the `onboarding` catalogs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.i18n import Translator


@dataclass(eq=False)
class RulesFirst(PermissionDenied):
    """A pending newcomer tried a member command."""

    community: str
    command: str
    localized: Mapping[str, str] = field(default_factory=dict)
    """The command's keyword in other languages (the reader's is shown)."""

    def text(self, t: Translator) -> str:
        return t(
            "onboarding.rules_first",
            community=self.community,
            command=self.localized.get(t.language, self.command),
        )


@dataclass(eq=False)
class AgreedAlready(Conflict):
    def text(self, t: Translator) -> str:
        return t("onboarding.agreed_already")


@dataclass(eq=False)
class NoSuchQuestion(NotFound):
    key: str
    keys: Sequence[str] = ()
    """The questions there are (PROFILE names them)."""

    def text(self, t: Translator) -> str:
        if self.keys:
            return t("onboarding.no_such_question_use", key=shorten(self.key), keys=", ".join(self.keys))
        return t("onboarding.no_such_question", key=shorten(self.key))


@dataclass(eq=False)
class NotAsked(Conflict):
    question: str

    def text(self, t: Translator) -> str:
        return t("onboarding.not_asked", question=self.question)


@dataclass(eq=False)
class NotAnAnswer(UsageError):
    given: str
    question: str
    answers: Sequence[str]

    def text(self, t: Translator) -> str:
        answers = t.either([*self.answers, t("onboarding.word_skip")])
        return t(
            "onboarding.not_an_answer", given=shorten(self.given), question=self.question, answers=answers
        )


@dataclass(eq=False)
class UnknownReferralCode(UsageError):
    code: str

    def text(self, t: Translator) -> str:
        return t("onboarding.unknown_referral_code", code=shorten(self.code, 20))


@dataclass(eq=False)
class OwnReferralCode(UsageError):
    def text(self, t: Translator) -> str:
        return t("onboarding.own_referral_code")


@dataclass(eq=False)
class IntroducedAlready(Conflict):
    def text(self, t: Translator) -> str:
        return t("onboarding.introduced_already")


@dataclass(eq=False)
class ThatIsYou(Conflict):
    def text(self, t: Translator) -> str:
        return t("onboarding.that_is_you")


@dataclass(eq=False)
class NewcomerIntroducedAlready(Conflict):
    named: str
    by: str | None = None
    """The handle of whoever introduced them first."""
    joined: bool = False
    """They have joined already (else: they only need to JOIN)."""

    def text(self, t: Translator) -> str:
        if self.by:
            by = "@" + self.by
            if self.joined:
                return t("onboarding.newcomer_joined_introduced_by", named=self.named, by=by)
            return t("onboarding.newcomer_introduced_by", named=self.named, by=by)
        if self.joined:
            return t("onboarding.newcomer_joined_introduced", named=self.named)
        return t("onboarding.newcomer_introduced", named=self.named)


@dataclass(eq=False)
class NotANewcomer(Conflict):
    handle: str
    member_before: bool = False
    """They were a member and left (else they are one now)."""

    def text(self, t: Translator) -> str:
        mention = "@" + self.handle
        if self.member_before:
            return t("onboarding.member_before", member=mention)
        return t("onboarding.member_already", member=mention)


@dataclass(eq=False)
class UnknownNewcomer(NotFound):
    named: str

    def text(self, t: Translator) -> str:
        return t("onboarding.unknown_newcomer", named=shorten(self.named))


@dataclass(eq=False)
class NotAPhoneNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("onboarding.not_a_phone_number", given=shorten(self.given, 20))


@dataclass(eq=False)
class NotAnIdentity(UsageError):
    given: str
    platform: str | None = None
    """A platform that exists, whose form the rest did not have (else the platform is unknown)."""

    def text(self, t: Translator) -> str:
        if self.platform is not None:
            return t("onboarding.not_a_platform_identity", given=shorten(self.given), platform=self.platform)
        return t("onboarding.not_an_identity", given=shorten(self.given))


@dataclass(eq=False)
class WhoIsThat(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("onboarding.who_is_that", given=shorten(self.given))


@dataclass(eq=False)
class IntroductionTooLong(UsageError):
    most: int

    def text(self, t: Translator) -> str:
        return t("onboarding.introduction_too_long", count=self.most)
