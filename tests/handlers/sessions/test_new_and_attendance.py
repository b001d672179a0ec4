"""SESSION NEW's bad input (one clear line, nothing stored), the other languages' keywords, attendance by
code word or by a moderator (credits once), and the newsletter's upcoming sessions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.core import Core
from handlers.stamps import plain
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock
from tests.handlers.sessions.conftest import join, new_session


async def sessions_stored(store: Store) -> int:
    row = await store.db.fetch_one("SELECT count(*) FROM sessions")
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('"Q&A" 2026-03-01 18:00 1h | Online | 10', "That start has passed"),
        ('"Q&A" 2d 1h | Online | 0', "a whole number from 1 to 100,000"),
        ('"Q&A" 2d 1h | Online | -3', "a whole number from 1 to 100,000"),
        ('"Q&A" 2d 1h | Online | many', "a whole number from 1 to 100,000"),
        ('"Q&A" soon 1h | Online | 10', "“soon” is no start"),
        ('"Q&A" 2026-03-10 1h | Online | 10', "“2026-03-10” is no start"),
        ('"Q&A" 2d forever | Online | 10', "“forever” is no length"),
        ('"Q&A" 2d 2d | Online | 10', "“2d” is no length"),
        ('"Q&A" 400d 1h | Online | 10', "at most 365 days from now"),
        ('"Q&A" 2d 1h | Online | 10 | level Gold', "There is no level “Gold”: use New or Regular."),
        ('"Q&A" 2d 1h | Online | 10 | sparkles', "“sparkles” is no session setting"),
        ('"Q&A" 2d 1h', "Write it as: SESSION NEW"),
        ("", "Write it as: SESSION NEW"),
    ],
)
async def test_bad_input_gets_one_clear_line_and_stores_nothing(
    core: Core, store: Store, text: str, says: str
) -> None:
    reply = await say(core, "console:mod", f"SESSION NEW {text}")
    assert says in reply.text
    assert "\n" not in reply.text
    assert await sessions_stored(store) == 0


async def test_a_start_may_be_a_duration_and_the_title_unquoted(core: Core, clock: FakeClock) -> None:
    await new_session(core, "Coffee with Jo 3d 90m | Shop on Main Street | 8 | points 5 | #general")
    shown = (await say(core, "console:mod", "SESSION 1")).text
    assert "Coffee with Jo" in shown and "90 min" in shown and "Attending earns 5 credits." in shown
    assert "Thu 5 Mar at 10:00 (Europe/Paris)" in shown


async def test_members_use_their_own_languages_keywords(core: Core) -> None:
    await join(core, "alice")
    await say(core, "console:alice", "LANGUAGE fr")
    await new_session(core)
    listing = (await say(core, "console:alice", "RENCONTRES")).text
    assert listing.startswith("Rencontres à venir (heures de Europe/Paris) :")
    assert "jeu. 5 mars à 18:00" in listing
    assert "Tu as une place" in (await say(core, "console:alice", "RESERVER 1")).text
    await say(core, "console:alice", "LANGUAGE it")
    assert "Hai liberato il tuo posto" in (await say(core, "console:alice", "CANCEL 1")).text


async def test_the_code_word_while_it_runs_records_attendance_and_credits_once(
    core: Core, clock: FakeClock
) -> None:
    await join(core, "alice", "bob")
    await new_session(core, '"Q&A" 2026-03-05 18:00 1h | Online | 10 | code BLOOM | points 5')
    await say(core, "console:alice", "RSVP 1")
    assert "don't know" in (await say(core, "console:alice", "bloom")).text  # not running yet
    clock.set(datetime(2026, 3, 5, 17, 10, tzinfo=UTC))
    thanks = await say(core, "console:alice", "bloom")
    assert thanks.text.startswith("Thanks for coming to session #1 (Q&A)!")
    assert "You earned 5 credits." in thanks.text
    assert "already recorded" in (await say(core, "console:alice", "BLOOM")).text
    marked = await say(core, "console:mod", "SESSION ATTEND 1 @alice @bob")
    assert marked.text == "1 attendee of session #1 marked (already marked: 1)."
    assert "Attended: @alice, @bob" in (await say(core, "console:mod", "SESSION 1")).text
    for name in ("alice", "bob"):
        assert "5 credits" in (await say(core, f"console:{name}", "POINTS")).text
    clock.set(datetime(2026, 3, 5, 18, 1, tzinfo=UTC))
    assert "don't know" in (await say(core, "console:bob", "BLOOM")).text  # over


async def test_attendance_is_marked_once_the_session_runs(core: Core) -> None:
    await join(core, "alice")
    await new_session(core)
    assert "has not begun yet" in (await say(core, "console:mod", "SESSION ATTEND 1 @alice")).text


async def test_the_newsletter_preview_lists_the_sessions_to_come(core: Core) -> None:
    await new_session(core)
    preview = plain((await say(core, "console:mod", "NEWSLETTER PREVIEW")).text)
    assert "Coming founder sessions" in preview
    assert "#1 Ask the founder: Thu 5 Mar at 18:00 (Europe/Paris) · 2 places left of 2" in preview
