"""Points and the shop in each reader's language: a French community, an Italian and an English member.

The community's language is French; bob chose Italian and carol English (`LANGUAGE`). Replies are in the
asker's language, a notice in its receiver's, channel posts in the community's; amounts have each
language's plural forms and numbers its separators.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.formats import TEXTS
from handlers.core import Core
from handlers.features import community_config
from handlers.i18n import LANGUAGES
from handlers.points._settings import LevelsConfig
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import chat, make_core, say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.points.conftest import POINTS_COMMUNITY, members

NNBSP = "\u202f"
"""What CLDR separates thousands with in French (`1 234`)."""
NBSP = "\u00a0"
"""What the French catalogs put before : ; ! ? (`Solde : 5 crédits`)."""


def french_community(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {key: dict(value) for key, value in POINTS_COMMUNITY.items()}
    base["community"]["language"] = "fr"
    base["points"]["max_award"] = 5000
    for section, values in changes.items():
        base[section] = {**base.get(section, {}), **values}
    return base


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(french_community())


async def people(core: Core) -> None:
    """alice keeps the community's French, bob reads Italian, carol English."""
    await members(core, "alice", "bob", "carol")
    await say(core, "console:bob", "LANGUAGE it")
    await say(core, "console:carol", "LANGUAGE en")


async def award(core: Core, name: str, points: int, reason: str = "merci") -> str:
    return (await say(core, "console:mod", f"ATTRIBUER @{name} {points} {reason}")).text


async def test_the_asker_reads_their_language_and_the_member_told_reads_theirs(
    core: Core, messenger: RecordingMessenger
) -> None:
    await people(core)
    reply = await award(core, "bob", 1234, "bel atelier")
    # The moderator reads the community's French; bob is told in Italian.
    assert reply == f"@bob reçoit 1{NNBSP}234 crédits (opération #1){NBSP}: bel atelier"
    assert "Hai ricevuto 1.234 crediti: bel atelier" in messenger.texts_to("console:bob")
    standing = (await say(core, "console:bob", "PUNTI")).text.splitlines()
    assert standing[0] == "@bob: 1.234 crediti (1.234 guadagnati in tutto)"
    assert standing[1] == "Livello: Star (il più alto)"
    assert standing[2] == "Posizione: #1 nella classifica generale"
    assert standing[3].startswith("Grazie di oggi: te ne restano 3 su 3 (si ricaricano tra ")


@pytest.mark.parametrize(
    ("name", "earned", "expected"),
    [
        ("alice", 0, "@alice\u00a0: 0 crédit (0 gagné au total)"),
        ("alice", 1, "@alice\u00a0: 1 crédit (1 gagné au total)"),
        ("alice", 2, "@alice\u00a0: 2 crédits (2 gagnés au total)"),
        ("bob", 1, "@bob: 1 credito (1 guadagnato in tutto)"),
        ("bob", 2, "@bob: 2 crediti (2 guadagnati in tutto)"),
        ("carol", 1, "@carol: 1 credit (1 earned in all)"),
        ("carol", 2, "@carol: 2 credits (2 earned in all)"),
    ],
)
async def test_amounts_take_each_languages_plural_forms(
    core: Core, name: str, earned: int, expected: str
) -> None:
    await people(core)
    if earned:
        await award(core, name, earned)
    assert (await say(core, f"console:{name}", "POINTS")).text.splitlines()[0] == expected


async def test_kudos_in_chat_are_confirmed_in_the_givers_language(
    core: Core, messenger: RecordingMessenger
) -> None:
    await people(core)
    assert await chat(core, "console:alice", "merci @bob pour l'accueil !") == []
    assert await chat(core, "console:bob", "grazie mille @alice e @carol per l'aiuto") == []
    assert "Tu as remercié @bob (+5). Il te reste 2 mercis sur 3 aujourd’hui." in messenger.texts_to(
        "console:alice"
    )
    assert "Hai ringraziato @alice, @carol (+5 ciascuno). Ti resta 1 grazie su 3 per oggi." in (
        messenger.texts_to("console:bob")
    )
    # Refusals in chat are in the writer's language too.
    assert [r.text for r in await chat(core, "console:bob", "@bob++")] == ["Non puoi ringraziare te stesso."]
    assert [r.text for r in await chat(core, "console:carol", "@carol++")] == [
        "You can't give kudos to yourself."
    ]
    # bob reached 10 earned (5 + 5): the channel is told in the community's language, with the level's
    # configured name as it is.
    await chat(core, "console:carol", "thanks @bob!")
    assert messenger.posts_in("announcements") == [f"🎉 @bob passe au niveau Regular{NBSP}!"]
    history = (await say(core, "console:bob", "STORICO")).text.splitlines()
    assert history[0] == "Storico di @bob (ultimi 3 movimenti):"
    assert " +5 grazie da @carol: grazie · " in history[1]  # kudos without a reason, in bob's language
    assert " +2 attività: conversazione in #general · " in history[2]
    assert " +5 grazie da @alice: l'accueil · " in history[3]


async def test_the_kudos_command_tells_the_member_thanked_in_their_language(
    core: Core, messenger: RecordingMessenger, clock: FakeClock
) -> None:
    await people(core)
    clock.set(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))  # 21:00 in Paris: 3 h to midnight
    reply = await say(core, "console:alice", "MERCI @bob super atelier")
    assert reply.text == "Tu as remercié @bob (+5). Il te reste 2 mercis sur 3 aujourd’hui."
    assert "@alice ti ha ringraziato: super atelier (+5 crediti)." in messenger.texts_to("console:bob")
    await say(core, "console:alice", "MERCI @carol")
    assert "@alice thanked you (+5 credits)." in messenger.texts_to("console:carol")
    await say(core, "console:alice", "MERCI @carol encore")
    refused = await say(core, "console:alice", "MERCI @bob encore")
    assert refused.text == (
        "Tu as déjà donné tes 3 mercis du jour (les prochains dans 3 h), donc aucun merci n’a été envoyé."
    )


async def test_leaderboards_in_french_with_the_month_in_french(core: Core, clock: FakeClock) -> None:
    await people(core)
    assert (await say(core, "console:alice", "CLASSEMENT")).text == (
        "Top 10 — depuis toujours\nPersonne n’a encore gagné de crédits."
    )
    clock.set(datetime(2026, 4, 10, 12, 0, tzinfo=UTC))
    await award(core, "bob", 1500)
    board = (await say(core, "console:alice", "CLASSEMENT month")).text.splitlines()
    assert board == [
        "Top 10 — avril 2026 (crédits gagnés)",
        f"1. @bob 1{NNBSP}500",
        f"Toi{NBSP}: pas encore dans ce classement",
    ]
    italian = (await say(core, "console:bob", "CLASSIFICA")).text.splitlines()
    assert italian == ["Top 10 — di sempre (crediti guadagnati)", "1. @bob 1.500"]


async def test_moderation_refusals_in_the_moderators_language(core: Core) -> None:
    await people(core)
    assert (await award(core, "bob", 6000, "trop")) == (
        f"5{NNBSP}000 crédits au maximum par attribution. Utilisation{NBSP}: ATTRIBUER @nom <points> <raison>"
    )
    await award(core, "bob", 30, "super post")
    assert (await say(core, "console:mod", "RETIRER #1 doublon")).text == (
        f"Opération #1 annulée (+30 attribution pour @bob) par la correction #2{NBSP}: doublon"
    )
    assert (await say(core, "console:mod", "RETIRER 1 encore")).text == (
        "L’opération #1 a déjà été annulée par #2."
    )
    history = (await say(core, "console:mod", "HISTORIQUE @bob")).text.splitlines()
    assert history[0] == f"Historique de @bob (2 dernières opérations){NBSP}:"
    assert f"#2 −30 correction par console:mod{NBSP}: doublon · " in history[1]
    assert history[1].endswith("(corrige #1)") and history[2].endswith("(annulée par #2)")


async def test_the_shop_in_italian_with_the_moderators_told_in_the_communitys_language(
    core: Core, messenger: RecordingMessenger
) -> None:
    await people(core)
    listing = (await say(core, "console:bob", "NEGOZIO")).text.splitlines()
    assert listing[0] == "Negozio (RISCATTA <articolo> per averne uno):"
    assert "discount — 10% off · 5 crediti · 2 disponibili · limite di 1 per membro" in listing
    assert "mug — Community mug · 10 crediti · 1 disponibile" in listing
    assert "call — 30 min with the founder · 8 crediti · illimitato" in listing
    assert listing[-1] == "Il tuo saldo: 0 crediti"
    await award(core, "bob", 4)
    assert (
        await say(core, "console:bob", "RISCATTA discount")
    ).text == "10% off costa 5 crediti; tu ne hai 4."
    await award(core, "bob", 10)
    code = await say(core, "console:bob", "RISCATTA discount")
    assert (
        code.text
        == "Hai riscattato 10% off per 5 crediti. Il tuo codice: CODE-A\nTienilo per te. Saldo: 9 crediti."
    )
    manual = await say(core, "console:bob", "RISCATTA call")
    assert manual.text == (
        "Hai riscattato 30 min with the founder per 8 crediti (riscatto #2). Un moderatore ti contatterà "
        "presto. Saldo: 1 credito."
    )
    assert messenger.posts_in("moderators") == [
        f"Échange #2{NBSP}: @bob a choisi 30 min with the founder. À livrer, puis envoyer BOUTIQUE LIVRER 2."
    ]
    done = await say(core, "console:mod", "BOUTIQUE LIVRER 2")
    assert done.text == "Échange #2 (30 min with the founder pour @bob) marqué comme livré."
    told = "Buone notizie: il tuo riscatto #2 (30 min with the founder) è in arrivo, un moderatore se n’è "
    assert told + "occupato!" in messenger.texts_to("console:bob")
    assert (await say(core, "console:mod", "BOUTIQUE LIVRER 1")).text == (
        f"L’échange #1 est déjà réglé{NBSP}: son code a été envoyé tout de suite."
    )


async def test_moderators_manage_the_shop_in_their_language(core: Core) -> None:
    await people(core)
    added = (await say(core, "console:mod", "BOUTIQUE AJOUTER tee 1500 illimité T-shirt")).text
    assert added == (
        f"Article enregistré (limite de 1 par membre ; BOUTIQUE LIMITE pour la changer){NBSP}:\n"
        f"tee — T-shirt · 1{NNBSP}500 crédits · illimité · limite de 1 par membre"
    ).replace(" ;", f"{NBSP};")
    assert (await say(core, "console:mod", "BOUTIQUE LIMITE tee aucune")).text == (
        f"T-shirt{NBSP}: plus de limite par membre."
    )
    assert (await say(core, "console:mod", "BOUTIQUE CODES tee T1 T2 T2")).text == (
        f"2 nouveaux codes ajoutés à T-shirt (déjà connus{NBSP}: 1){NBSP}; codes disponibles{NBSP}: 2."
    )
    assert (await say(core, "console:mod", "BOUTIQUE CODES tee T3")).text.startswith(
        "1 nouveau code ajouté à T-shirt"
    )
    assert (await say(core, "console:mod", "BOUTIQUE AJOUTER hat 5 plein Hat")).text == (
        f"Le stock doit être un nombre ou «{NBSP}illimité{NBSP}». "
        f"Utilisation{NBSP}: BOUTIQUE AJOUTER <article> <prix> <stock|illimité> <nom>"
    )


async def test_default_levels_are_named_in_each_readers_language(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    """Levels the community did not name are named from the catalogs; a configured name stays as it is."""
    settings = french_community(levels={"announce": "dm"})
    del settings["levels"]["tiers"]
    core = make_core(store, clock, messenger, community_config(settings))
    await core.start()
    await people(core)
    await award(core, "alice", 50)
    await award(core, "bob", 50)
    assert f"🎉 Tu passes au niveau Fidèle{NBSP}!" in messenger.texts_to("console:alice")
    assert "🎉 Hai raggiunto il livello Fedele!" in messenger.texts_to("console:bob")
    lines = (await say(core, "console:carol", "POINTS")).text.splitlines()
    assert lines[1] == "Level: Newcomer (50 more to reach Regular)"


async def test_a_currency_the_community_named_is_used_as_it_is(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    core = make_core(
        store, clock, messenger, community_config(french_community(points={"currency": "gemmes"}))
    )
    await core.start()
    await people(core)
    assert (await award(core, "bob", 5)) == f"@bob reçoit 5 gemmes (opération #1){NBSP}: merci"
    assert "Hai ricevuto 5 gemmes: merci" in messenger.texts_to("console:bob")


def test_unnamed_levels_take_the_catalogs_names_by_place_up_to_the_fourth() -> None:
    levels = LevelsConfig(tiers=[{"threshold": 0}, {"threshold": 10, "name": "Star"}, {"threshold": 20}])
    named = {
        language: [levels.name_of(tier, TEXTS.translator(language)) for tier in levels.tiers]
        for language in LANGUAGES
    }
    assert named == {
        "en": ["Newcomer", "Star", "Insider"],
        "fr": ["Recrue", "Star", "Pilier"],
        "it": ["Matricola", "Star", "Colonna"],
    }
    with pytest.raises(ValueError, match="name every level after the first 4"):
        LevelsConfig(tiers=[{"threshold": n * 10} for n in range(5)])
