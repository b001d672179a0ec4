"""Onboarding in the reader's language: the newcomer's own, the introducer's in notices to them, the
community's in channel posts; localized keywords work and are never taken for an introduction."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.core import Core
from handlers.features import community_config
from handlers.models import Choice
from handlers.settings import CommunityConfig
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.onboarding.conftest import ONBOARDING

NB = "\u00a0"
STORY = "Je suis venu pour les ateliers de poterie du mardi"


def in_language(language: str) -> dict[str, Any]:
    return {**ONBOARDING, "community": {**ONBOARDING["community"], "language": language}}


WALK_THROUGH: dict[str, dict[str, Any]] = {
    "fr": {
        "rules": f"Les règles de Test Club{NB}:\n1. Be kind\n2. No spam\nEnvoie ACCEPTER",
        "agree": Choice("J’accepte", "AGREE"),
        "waits": f"Tu n’as pas encore accepté les règles de Test Club, alors POINTS devra attendre{NB}: "
        "envoie ACCEPTER",
        "AGREE": "ACCEPTER",
        "member": f"Merci, bob{NB}: te voilà membre{NB}!\nQuestion 1 sur 2{NB}: What brings you here?",
        "skip": Choice("Passer", "ANSWER why skip"),
        "ANSWER why skip": "REPONDRE why passer",
        "skipped": f"C’est noté{NB}: question passée.\nQuestion 2 sur 2{NB}: Where do you live?",
        "last": f"Dernière étape{NB}: présente-toi{NB}!",
        "preview": f"Ta présentation sera{NB}: «{NB}{STORY}{NB}»\nLa publier dans #introductions{NB}?",
        "post it": "Publier",
        "posted": f"Merci{NB}! Ta présentation est publiée dans #introductions. Tu as gagné 10 crédits.",
        "post": f"Voici @bob (bob){NB}: «{NB}{STORY}{NB}»",
        "PROFILE": "PROFIL",
        "profile": f"why{NB}: What brings you here? — pas encore de réponse",
    },
    "it": {
        "rules": "Le regole di Test Club:\n1. Be kind\n2. No spam\nInvia ACCETTO",
        "agree": Choice("Accetto", "AGREE"),
        "waits": "Non hai ancora accettato le regole di Test Club, quindi PUNTI dovrà aspettare: "
        "invia ACCETTO",
        "AGREE": "ACCETTO",
        "member": "Grazie, bob: ora fai parte della community!\nDomanda 1 di 2: What brings you here?",
        "skip": Choice("Salta", "ANSWER why skip"),
        "ANSWER why skip": "RISPONDI why salta",
        "skipped": "Annotato: domanda saltata.\nDomanda 2 di 2: Where do you live?",
        "last": "Ultimo passo: presentati!",
        "preview": f"La tua presentazione sarà: “{STORY}”\nLa pubblico in #introductions?",
        "post it": "Pubblica",
        "posted": "Grazie! La tua presentazione è pubblicata in #introductions. Hai guadagnato 10 crediti.",
        "post": f"Ecco @bob (bob): “{STORY}”",
        "PROFILE": "PROFILO",
        "profile": "why: What brings you here? — nessuna risposta",
    },
}


class TestInTheCommunityLanguage:
    @pytest.fixture(params=["fr", "it"])
    def language(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

    @pytest.fixture
    def community(self, language: str) -> CommunityConfig:
        return community_config(in_language(language))

    async def test_a_newcomer_is_walked_through_in_the_community_language(
        self, core: Core, messenger: RecordingMessenger, language: str
    ) -> None:
        expect = WALK_THROUGH[language]
        joined = await say(core, "console:bob", "JOIN")
        assert expect["rules"] in joined.text, joined.text
        assert joined.choices == (expect["agree"],)  # the button sends the English keyword: it is parsed
        refused = await say(core, "console:bob", "POINTS")  # named with the reader's keyword
        assert refused.text.startswith(expect["waits"]), refused.text
        agreed = await say(core, "console:bob", expect["AGREE"])  # the keyword in the language
        assert expect["member"] in agreed.text, agreed.text
        assert agreed.choices[-1] == expect["skip"]
        skipped = await say(core, "console:bob", expect["ANSWER why skip"])  # skip in the language
        assert expect["skipped"] in skipped.text, skipped.text
        last = await say(core, "console:bob", "2")
        assert expect["last"] in last.text, last.text
        profile = await say(core, "console:bob", expect["PROFILE"])
        assert expect["profile"] in profile.text, profile.text
        shown = await say(core, "console:bob", STORY)
        assert shown.text.startswith(expect["preview"]), shown.text
        assert shown.choices == (Choice(expect["post it"], f"INTRO me {STORY}"),)
        assert messenger.posts_in("introductions") == []
        posted = await say(core, "console:bob", "1")
        assert posted.text == expect["posted"]
        assert messenger.posts_in("introductions") == [expect["post"]]  # the community's language


class TestInFrench:
    @pytest.fixture
    def community(self) -> CommunityConfig:
        return community_config(in_language("fr"))

    async def test_localized_keywords_are_commands_never_an_introduction(
        self, core: Core, messenger: RecordingMessenger
    ) -> None:
        for text in ("JOIN", "ACCEPTER", "1", "1"):
            await say(core, "console:mo", text)
        for typed in ("ACCEPTER encore une fois les règles", "accepter les règles de la communauté svp"):
            reply = await say(core, "console:mo", typed)  # AGREE takes no words: refused, never shown back
            assert "ACCEPTER" in reply.text and "Publier" not in [c.label for c in reply.choices], reply.text
        typo = await say(core, "console:mo", "acepter les règles, c’est fait depuis longtemps")
        assert "ACCEPTER" in typo.text and "Publier" not in [c.label for c in typo.choices], typo.text
        again = await say(core, "console:mo", "ACCEPTER")
        assert again.text.startswith(f"Tu es déjà membre à part entière{NB}: il n’y a rien à accepter.")
        assert messenger.posts_in("introductions") == []
        posted = await say(core, "console:mo", "PRESENTATION moi Je viens pour les ateliers du mardi")
        assert posted.text.startswith(f"Merci{NB}! Ta présentation est publiée dans #introductions.")
        assert messenger.posts_in("introductions") == [
            f"Voici @mo (mo){NB}: «{NB}Je viens pour les ateliers du mardi{NB}»"
        ]

    async def test_notices_are_in_the_introducers_language_posts_in_the_communitys(
        self, core: Core, messenger: RecordingMessenger
    ) -> None:
        for text in ("JOIN", "ACCEPTER", "1", "1", "LANGUE it"):
            await say(core, "console:alice", text)  # alice reads Italian in a French community
        sent = await say(core, "console:alice", "PRESENTATION console:carol elle émaille mieux que personne")
        assert sent.text.startswith("Invito inviato a console:carol, a nome tuo."), sent.text
        invitation = messenger.texts_to("console:carol")[-1]  # not a member yet: the community's language
        assert invitation.startswith(
            f"alice (@alice) a parlé de toi à Test Club{NB}: «{NB}elle émaille mieux que personne{NB}». "
            "Pour nous rejoindre, réponds REJOINDRE ALICE-"
        ), invitation
        welcome = await say(core, "console:carol", "JOIN")  # carol reads the community's French
        assert f"Présentation faite par @alice{NB}: «{NB}elle émaille mieux que personne{NB}»" in welcome.text
        assert "Envoie ACCEPTER" in welcome.text
        assert messenger.posts_in("introductions") == [
            f"@alice a présenté @carol{NB}: «{NB}elle émaille mieux que personne{NB}» Bienvenue{NB}!"
        ]
        assert messenger.texts_to("console:alice")[-1] == (
            "carol (@carol) ora fa parte della community grazie alla tua presentazione!"
        )
        for text in ("ACCEPTER", "1", "1"):  # carol finishes onboarding: alice is credited, in Italian
            await say(core, "console:carol", text)
        assert messenger.texts_to("console:alice")[-1] == (
            "@carol fa ora parte di Test Club grazie al tuo invito: +50 crediti. Grazie mille!"
        )
        listed = await say(core, "console:alice", "INVITATI")
        assert listed.text.startswith("I tuoi invitati:\n@carol — premio accreditato (iscrizione il ")
        assert listed.text.endswith(", grazie alla tua presentazione)")

    async def test_a_pending_newcomer_reads_their_own_language_from_the_rules_on(
        self, core: Core, messenger: RecordingMessenger
    ) -> None:
        for text in ("JOIN", "ACCEPTER", "1", "1", "PRESENTATION moi Je fais des bols en grès"):
            await say(core, "console:bob", text)
        await say(core, "console:carol", "JOIN")
        chosen = await say(core, "console:carol", "LANGUE it")  # allowed before the rules are accepted
        assert "Tu n’as pas encore accepté" not in chosen.text
        rules = await say(core, "console:carol", "REGOLE")
        assert rules.text.startswith("Le regole di Test Club:") and rules.choices == (
            Choice("Accetto", "AGREE"),
        )
        reply = await say(core, "console:bob", "PRESENTATION @carol elle anime le club de céramique")
        assert reply.text == (
            f"Merci{NB}! Ta présentation de @carol est publiée dans #introductions. Tu recevras ta "
            "récompense dès que cette personne aura terminé son inscription."
        )
        assert messenger.texts_to("console:carol")[-1] == (
            "@bob ha parlato di te a Test Club: “elle anime le club de céramique”"
        )
        assert messenger.posts_in("introductions")[-1] == (
            f"@bob nous présente @carol{NB}: «{NB}elle anime le club de céramique{NB}» Bienvenue{NB}!"
        )


async def test_english_is_unchanged_and_english_words_work_in_every_language(core: Core) -> None:
    """The default community is English: the texts read as they always did."""
    joined = await say(core, "console:bob", "JOIN")
    assert joined.choices == (Choice("I agree", "AGREE"),)
    assert "Question 1 of 2" in (await say(core, "console:bob", "AGREE")).text
    assert "Noted: skipped." in (await say(core, "console:bob", "ANSWER why skip")).text
    assert "Noted: Europe." in (await say(core, "console:bob", "ANSWER where eu")).text
    assert "PROFILE <question> <answer>" in (await say(core, "console:bob", "PROFILE")).text


class TestNudgesWithoutATextOfTheirOwn:
    @pytest.fixture
    def community(self) -> CommunityConfig:
        data = in_language("fr")
        nudges = [{"after": "1d", "unless": "introduced"}, {"after": "2d", "unless": "agreed"}]
        return community_config({**data, "onboarding": {**data["onboarding"], "nudges": nudges}})

    async def test_they_remind_each_member_in_their_own_language(
        self, core: Core, clock: FakeClock, messenger: RecordingMessenger
    ) -> None:
        for text in ("JOIN", "ACCEPTER", "1", "1", "LANGUE it"):
            await say(core, "console:alice", text)
        for text in ("JOIN", "ACCEPTER", "1", "1"):
            await say(core, "console:bob", text)
        await say(core, "console:erin", "JOIN")  # never accepts the rules
        clock.advance(days=2)
        await core.run_due_jobs()
        assert messenger.texts_to("console:alice")[-1] == (
            "Ciao alice! Racconta a Test Club cosa ti ha portato da noi: invia PRESENTAZIONE io "
            "<la tua storia>."
        )
        assert messenger.texts_to("console:bob")[-1] == (
            f"Coucou bob{NB}! Raconte à Test Club pourquoi tu nous as rejoints{NB}: envoie PRESENTATION moi "
            "<ton histoire>."
        )
        assert messenger.texts_to("console:erin")[-1] == (
            f"erin, tu n’as pas encore accepté les règles{NB}: envoie ACCEPTER pour participer."
        )


def test_a_nudge_needs_a_text_unless_the_catalog_has_one() -> None:
    data = {**ONBOARDING, "onboarding": {**ONBOARDING["onboarding"], "nudges": [{"after": "1d"}]}}
    with pytest.raises(ValueError, match="give the nudge a text"):
        community_config(data)
