"""LANGUAGE: a member's own language on every platform they linked, else their app's, else the community's."""

from __future__ import annotations

import re

import pytest

from handlers.core import Core
from handlers.events import DirectMessage, MemberJoined
from handlers.features import community_config
from handlers.models import Choice, Identity, Reply
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger

NBSP = "\u00a0"
PHONE = "whatsapp:+15550001234"
LANGUAGE_CHOICES = (
    Choice("English", "LANGUAGE en"),
    Choice("Français", "LANGUAGE fr"),
    Choice("Italiano", "LANGUAGE it"),
)


async def direct(core: Core, who: str, text: str, locale: str | None = None) -> Reply:
    identity = Identity.parse(who)
    replies = await core.handle_direct(
        DirectMessage(identity, text, display_name=identity.user_id, locale=locale)
    )
    assert len(replies) == 1, replies
    return replies[0]


async def language_of(store: Store, who: str) -> str | None:
    member = await store.members.by_identity(Identity.parse(who))
    assert member is not None
    return member.language


async def link(core: Core, asker: str, other: str) -> Reply:
    """`asker` asks for a link code and `other` types it: the reply `other` reads."""
    code = re.search(r"\b([A-Z0-9]{6})$", (await say(core, asker, "LINK")).text)
    assert code, "no code"
    return await say(core, other, f"LINK {code[1]}")


async def test_choosing_french_switches_every_reply_to_french(core: Core, store: Store) -> None:
    await say(core, "console:alice", "JOIN")
    done = await say(core, "console:alice", "LANGUAGE fr")
    assert done.text == f"C’est noté{NBSP}: je t’écrirai en français désormais."  # in the new language
    assert done.private
    assert await language_of(store, "console:alice") == "fr"
    whoami = await say(core, "console:alice", "MOI")
    assert whoami.text == (
        f"Tu es @alice (alice), membre depuis le 2 mars 2026 (rôle{NBSP}: membre). "
        f"Comptes liés{NBSP}: console:alice."
    )
    again = await say(core, "console:alice", "REJOINDRE")
    assert again.text.startswith("Tu es déjà membre de Test Club (depuis le 2 mars 2026) sous le nom @alice.")
    # the English keywords still work: a member who chose French keeps what they learnt
    assert (await say(core, "console:alice", "WHOAMI")).text.startswith("Tu es @alice")


async def test_help_in_french_shows_the_french_keywords(core: Core) -> None:
    await say(core, "console:alice", "JOIN")
    await say(core, "console:alice", "LANGUE français")
    text = (await say(core, "console:alice", "AIDE")).text
    assert text.startswith(f"Test Club{NBSP}: les commandes que tu peux utiliser\n")
    assert "AIDE [commande] — voir ce que tu peux faire, ou ce que fait une commande" in text
    assert "LANGUE [langue] — voir ou choisir la langue dans laquelle je t’écris" in text
    assert "\nCLASSEMENT" in text and "\nLIER [code]" in text and "\nMOI — " in text
    assert "\nSTOP — " in text and "\nSTART — " in text  # WhatsApp's opt-out words in every language
    assert "\nHELP" not in text and "\nLANGUAGE" not in text
    one = (await say(core, "console:alice", "AIDE classement")).text
    assert one.startswith("CLASSEMENT")
    lier = (await say(core, "console:alice", "aide LIER")).text
    assert lier == (
        "LIER [code] — seul\u00a0: obtenir un code pour lier une autre plateforme\u00a0; avec un code\u00a0: "
        "lier celle-ci\n"
        "  [code]\u00a0: le code que LIER t’a donné sur ton autre plateforme"
    )
    unknown = await say(core, "console:alice", "AIDE bidule")
    assert (
        unknown.text
        == f"Il n’y a pas de commande «{NBSP}bidule{NBSP}» pour toi. Envoie AIDE pour voir la liste."
    )


async def test_help_in_italian_for_one_command(core: Core) -> None:
    await say(core, "console:alice", "JOIN")
    await say(core, "console:alice", "LINGUA italiano")
    reply = await say(core, "console:alice", "AIUTO lingua")
    assert reply.text == (
        "LINGUA [lingua] — vedere o scegliere la lingua in cui ti scrivo\n"
        "  [lingua]: en, fr o it, oppure auto per la lingua della tua app"
    )


async def test_language_alone_shows_the_current_one_and_the_choices(core: Core, store: Store) -> None:
    await say(core, "console:alice", "JOIN")
    shown = await say(core, "console:alice", "LANGUAGE")
    assert shown.text == "I write to you in English. Choose your language:"
    assert shown.choices == LANGUAGE_CHOICES and shown.private
    picked = await say(core, "console:alice", "3")  # a numbered answer
    assert picked.text == "Fatto: d’ora in poi ti scriverò in italiano."
    again = await say(core, "console:alice", "LINGUA")
    assert again.text.startswith(
        "Ti scrivo in italiano, come hai scelto. Scegli un’altra lingua, oppure invia LINGUA auto"
    )
    assert again.choices == LANGUAGE_CHOICES
    assert (await say(core, "console:alice", "Français")).text.startswith("C’est noté")  # a choice's label
    assert await language_of(store, "console:alice") == "fr"


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("fr", "fr"),
        ("FR", "fr"),
        ("français", "fr"),
        ("Francais", "fr"),
        ("french", "fr"),
        ("fr-FR", "fr"),
        ("fr_CA", "fr"),
        ("italiano", "it"),
        ("Italian", "it"),
        ("it-IT", "it"),
        ("english", "en"),
        ("anglais", "en"),
        ("INGLESE", "en"),
        ("en-GB", "en"),
    ],
)
async def test_a_language_is_named_by_its_code_its_name_or_a_locale(
    core: Core, store: Store, word: str, language: str
) -> None:
    await say(core, "console:alice", "JOIN")
    await say(core, "console:alice", f"LANGUAGE {word}")
    assert await language_of(store, "console:alice") == language


async def test_auto_goes_back_to_the_app_or_community_language(core: Core, store: Store) -> None:
    await say(core, "console:alice", "JOIN")
    await say(core, "console:alice", "LANGUAGE fr")
    back = await say(core, "console:alice", "LANGUE auto")
    assert (
        back.text
        == "Done: I will write to you in your app's language, else in the community's: English for now."
    )
    assert await language_of(store, "console:alice") is None
    await say(core, "console:alice", "LANGUAGE fr")
    from_app = await direct(core, "console:alice", "LANGUAGE AUTO", locale="it-IT")
    assert from_app.text.startswith("Fatto: ti scriverò nella lingua della tua app")
    assert (await say(core, "console:alice", "LANGUAGE")).text.startswith("I write to you in English.")


async def test_an_unknown_language_lists_the_choices(core: Core, store: Store) -> None:
    await say(core, "console:alice", "JOIN")
    refused = await say(core, "console:alice", "LANGUAGE klingon")
    assert refused.text == (
        "I don't know the language “klingon”: send LANGUAGE followed by en, fr or it, or LANGUAGE auto."
    )
    assert refused.private
    assert await language_of(store, "console:alice") is None
    await say(core, "console:alice", "LANGUAGE fr")
    refused = await say(core, "console:alice", "LANGUE de")
    assert refused.text == (
        f"Je ne connais pas la langue «{NBSP}de{NBSP}»{NBSP}: "
        "envoie LANGUE suivi de en, fr ou it, ou LANGUE auto."
    )
    assert await language_of(store, "console:alice") == "fr"


async def test_language_is_for_members(core: Core) -> None:
    assert (await say(core, "console:zed", "LANGUAGE fr")).text == (
        "LANGUAGE is for members: send JOIN to join first."
    )


async def test_the_language_follows_the_member_to_a_linked_platform(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await say(core, "console:alice", "JOIN")
    await say(core, "console:alice", "LANGUAGE fr")
    code = await say(core, "console:alice", "LIER")
    assert re.fullmatch(
        rf"Ton code de liaison est ([A-Z0-9]{{6}}) \(valable 10 minutes, une seule fois\)\. "
        rf"Sur ton autre plateforme, envoie{NBSP}: LIER \1",
        code.text,
    ), code.text
    linked = await link(core, "console:alice", PHONE)
    assert linked.text.startswith(f"Comptes liés{NBSP}: ici aussi, tu es @alice, avec un seul solde")
    assert messenger.texts_to("console:alice")[-1] == (
        f"Comptes liés{NBSP}: ton compte WhatsApp est maintenant rattaché à ton profil @alice."
    )
    assert (await say(core, PHONE, "WHOAMI")).text.startswith("Tu es @alice (alice)")
    await say(core, PHONE, "LANGUAGE it")  # chosen on WhatsApp: the console follows
    assert (await say(core, "console:alice", "WHOAMI")).text.startswith("Sei @alice (alice), membro dal")


async def test_a_merge_keeps_the_surviving_members_language_else_takes_the_others(
    core: Core, store: Store, clock: FakeClock
) -> None:
    # the member that carries on (the code's) chose none: it takes the merged member's
    await say(core, PHONE, "JOIN")
    await say(core, PHONE, "LANGUAGE it")
    await say(core, "console:alice", "JOIN")
    linked = await link(core, "console:alice", PHONE)
    assert linked.text.startswith("Account collegati: anche qui sei @alice")
    assert await language_of(store, "console:alice") == "it"
    # it chose one: it keeps it
    await say(core, "console:bob", "JOIN")
    await say(core, "console:bob", "LANGUAGE fr")
    await say(core, "discord:123456789", "JOIN")
    await say(core, "discord:123456789", "LANGUAGE en")
    await link(core, "console:bob", "discord:123456789")
    assert await language_of(store, "console:bob") == "fr"
    assert await language_of(store, "discord:123456789") == "fr"


async def test_the_apps_locale_is_used_until_a_language_is_chosen(core: Core, store: Store) -> None:
    joined = await direct(core, "discord:123456789", "ISCRIVITI", locale="it")
    assert joined.text.startswith("Ti diamo il benvenuto in Test Club, 123456789! Invia AIUTO")
    assert "Gli altri membri possono menzionarti con @123456789." in joined.text
    assert (await direct(core, "discord:123456789", "WHOAMI", locale="it")).text.startswith("Sei @123456789")
    assert (await direct(core, "discord:123456789", "WHOAMI", locale="en-US")).text.startswith("You are")
    assert await language_of(store, "discord:123456789") is None
    await direct(core, "discord:123456789", "LANGUAGE fr", locale="it")
    chosen = await direct(core, "discord:123456789", "WHOAMI", locale="it")
    assert chosen.text.startswith("Tu es @123456789")  # a chosen language wins over the app's


async def test_the_welcome_is_in_the_community_language_unless_the_admin_wrote_one(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    core = make_core(
        store, clock, messenger, community_config({"community": {"name": "Club Test", "language": "fr"}})
    )
    await core.start()
    await core.member_joined(MemberJoined(Identity.parse("console:bob"), "Bob"))
    assert messenger.texts_to("console:bob") == [
        f"Bienvenue dans Club Test, Bob{NBSP}! Envoie AIDE pour voir ce que tu peux faire.\n"
        "Les autres membres peuvent te mentionner avec @bob."
    ]
    own = make_core(
        store,
        clock,
        messenger,
        community_config({"community": {"name": "Club Test", "language": "fr", "welcome": "Salut {name} !"}}),
    )
    await own.start()
    reply = await say(own, "console:carol", "REJOINDRE")
    assert reply.text == "Salut carol !\nLes autres membres peuvent te mentionner avec @carol."
