from __future__ import annotations

from datetime import timedelta

import pytest

from bot.console.lines import Advance, Blank, Chat, Direct, Invalid, Join, Leave, Now, parse_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("alice: hello there", Direct("alice", "hello there")),
        ("alice:JOIN", Direct("alice", "JOIN")),
        ("#general bob: hi @alice++", Chat("general", "bob", "hi @alice++")),
        ("/join carol", Join("carol")),
        ("/leave carol", Leave("carol")),
        ("/advance 2h", Advance(timedelta(hours=2))),
        ("/advance 1d12h", Advance(timedelta(days=1, hours=12))),
        ("/advance 30m", Advance(timedelta(minutes=30))),
        ("/now", Now()),
        ("", Blank()),
        ("# just a comment", Blank()),
    ],
)
def test_forms(raw: str, expected: object) -> None:
    assert parse_line(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "hello",
        "/advance",
        "/advance 0h",
        "/advance 99999d",
        "/join",
        "/join a b",
        "/now please",
        "#general: hi",
        "al ice: hi",
    ],
)
def test_lines_that_fit_no_form_are_explained(raw: str) -> None:
    assert isinstance(parse_line(raw), Invalid)
