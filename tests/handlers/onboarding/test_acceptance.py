"""Rules, acceptance, questions, PROFILE and introducing oneself."""

from __future__ import annotations

from handlers.core import Core
from handlers.events import MemberLeft
from handlers.models import Choice, Identity, MemberStatus
from handlers.onboarding._ports import ONBOARDING
from storage.store import Store
from tests.conftest import chat, say
from tests.handlers.onboarding.conftest import RoleMessenger, balance, member, onboard


async def test_join_with_rules_is_pending_until_agree(core: Core, store: Store) -> None:
    reply = await say(core, "console:bob", "JOIN")
    assert "Welcome to Test Club, bob!" in reply.text
    assert "1. Be kind\n2. No spam\nSend AGREE" in reply.text
    assert reply.choices == (Choice("I agree", "AGREE"),)
    assert (await member(store, "bob")).status is MemberStatus.PENDING
    refused = await say(core, "console:bob", "POINTS")
    assert refused.text.startswith("You haven't accepted the rules of Test Club yet, so POINTS has to wait")
    again = await say(core, "console:bob", "JOIN")
    assert "send AGREE" in again.text and (await member(store, "bob")).status is MemberStatus.PENDING
    await chat(core, "console:bob", "a long enough message to earn activity points")
    assert await balance(store, "bob") == 0  # pending members earn nothing


async def test_agree_by_choice_grants_the_member_role_then_asks_questions(
    core: Core, store: Store, messenger: RoleMessenger
) -> None:
    await say(core, "console:bob", "JOIN")
    reply = await say(core, "console:bob", "1")  # the "I agree" choice
    assert "you are now a member" in reply.text and "Question 1 of 2: What brings you here?" in reply.text
    assert [c.command for c in reply.choices] == [
        "ANSWER why customer",
        "ANSWER why maker",
        "ANSWER why skip",
    ]
    assert (await member(store, "bob")).status is MemberStatus.MEMBER
    assert [(r.role, r.grant) for r in messenger.roles] == [("900", True)]
    assert "already a full member" in (await say(core, "console:bob", "AGREE")).text


async def test_answers_are_stored_with_segments_roles_and_skips(
    core: Core, store: Store, messenger: RoleMessenger
) -> None:
    await say(core, "console:bob", "JOIN")
    await say(core, "console:bob", "AGREE")
    not_asked = await say(core, "console:bob", "ANSWER where eu")
    assert not_asked.text.startswith("The question where is not waiting for an answer")
    assert "not an answer to why" in (await say(core, "console:bob", "ANSWER why pirate")).text
    assert "Question 2 of 2" in (await say(core, "console:bob", "ANSWER why maker")).text
    done = await say(core, "console:bob", "ANSWER where skip")
    assert "Noted: skipped." in done.text and "introduce yourself" in done.text
    bob = await member(store, "bob")
    answers = await store.repository(ONBOARDING).answers(bob.id)
    assert [(a.question, a.answer, a.segment) for a in answers] == [
        ("where", None, None),
        ("why", "maker", "makers"),
    ]
    assert ("901", True) in [(r.role, r.grant) for r in messenger.roles]
    assert "not waiting" in (await say(core, "console:bob", "ANSWER why customer")).text


async def test_profile_shows_and_changes_answers(core: Core, store: Store, messenger: RoleMessenger) -> None:
    await onboard(core, "bob", intro=False)  # answered why=customer, where=americas
    shown = await say(core, "console:bob", "PROFILE")
    assert "why: What brings you here? — Customer" in shown.text
    assert "where: Where do you live? — Americas" in shown.text
    options = await say(core, "console:bob", "PROFILE why")
    assert options.choices[1] == Choice("Maker", "PROFILE why maker")
    assert (await say(core, "console:bob", "PROFILE why maker")).text == "Saved: why is now Maker."
    assert (await say(core, "console:bob", "PROFILE why customer")).text == "Saved: why is now Customer."
    assert [(r.role, r.grant) for r in messenger.roles][-2:] == [("901", True), ("901", False)]
    assert "no question “age”" in (await say(core, "console:bob", "PROFILE age 30")).text


async def test_introducing_oneself_posts_once_and_credits_once(
    core: Core, store: Store, messenger: RoleMessenger
) -> None:
    await onboard(core, "bob", intro=False)
    shown = await say(core, "console:bob", "I joined because I love handmade mugs")  # the prompt's reply
    assert shown.choices == (Choice("Post it", "INTRO me I joined because I love handmade mugs"),)
    assert messenger.posts_in("introductions") == []  # shown back first, posted only when confirmed
    reply = await say(core, "console:bob", "1")
    assert reply.text == "Thank you! Your introduction is posted in #introductions. You earned 10 credits."
    assert messenger.posts_in("introductions") == ["Meet @bob (bob): “I joined because I love handmade mugs”"]
    again = await say(core, "console:bob", "INTRO me once more with feeling")
    assert again.text.startswith("You have already introduced yourself")
    assert await balance(store, "bob") == 10
    # After the introduction, free text is no introduction any more.
    assert "I don't know" in (await say(core, "console:bob", "I joined because I love handmade mugs")).text


async def test_a_mistyped_command_after_the_prompt_is_answered_as_a_command_never_posted(
    core: Core, messenger: RoleMessenger
) -> None:
    """Found: `mo: AGREE` then `mo: POLL NEW "Next flavour?" | Mango | Yuzu` was posted as an introduction."""
    await onboard(core, "mo", intro=False)
    answers = {
        'POLL NEW "Next flavour?" | Mango | Yuzu': "POLL NEW is for moderators only.",  # a command now
        'CHALENGE NEW "Best mug photo"': "I don't know",
        "refferal please, where is my code?": "I don't know",
    }
    for typed, answer in answers.items():
        reply = await say(core, "console:mo", typed)
        assert reply.text.startswith(answer), reply.text
        assert not any(c.label == "Post it" for c in reply.choices)
    changed = await say(core, "console:mo", "I came for the workshops and stayed for you all")
    again = await say(core, "console:mo", "I came for the workshops, and I stayed for the people")
    assert "stayed for the people" in again.text and changed.choices != again.choices
    assert messenger.posts_in("introductions") == []


async def test_pending_members_cannot_introduce_or_skip_the_rules(core: Core, store: Store) -> None:
    await say(core, "console:bob", "JOIN")
    assert "has to wait" in (await say(core, "console:bob", "INTRO me hello there everyone")).text
    rules = await say(core, "console:bob", "RULES")
    assert rules.choices == (Choice("I agree", "AGREE"),)
    assert (
        await store.repository(ONBOARDING).progress((await member(store, "bob")).id)
    ).introduced_at is None  # type: ignore[union-attr]


async def test_left_while_pending_rejoins_pending_and_agreed_rejoins_as_member(
    core: Core, store: Store
) -> None:
    await say(core, "console:bob", "JOIN")
    await core.member_left(MemberLeft(Identity.parse("console:bob")))
    back = await say(core, "console:bob", "JOIN")
    assert "Welcome back" in back.text and "Send AGREE" in back.text
    assert (await member(store, "bob")).status is MemberStatus.PENDING
    await onboard(core, "carol")
    await core.member_left(MemberLeft(Identity.parse("console:carol")))
    back = await say(core, "console:carol", "JOIN")
    assert "Welcome back" in back.text and "AGREE" not in back.text
    carol = await member(store, "carol")
    assert carol.status is MemberStatus.MEMBER
    assert await balance(store, "carol") == 10  # the introduction points were not paid twice
