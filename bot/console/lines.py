"""The console's input language, parsed into typed lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from handlers.durations import parse_duration

NAME = r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,31}"
MAX_ADVANCE = timedelta(days=3660)
FORMS = (
    '"alice: text" (a direct message), "#general alice: text" (chat in a channel), '
    '"/join alice", "/leave alice", "/advance 2h" (s, m, h, d, w), "/now"'
)

_DIRECT = re.compile(rf"^({NAME}):(.*)$", re.DOTALL)
_CHAT = re.compile(rf"^#([a-z0-9_-]{{1,40}})\s+({NAME}):(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Direct:
    name: str
    text: str


@dataclass(frozen=True)
class Chat:
    channel: str
    name: str
    text: str


@dataclass(frozen=True)
class Join:
    name: str


@dataclass(frozen=True)
class Leave:
    name: str


@dataclass(frozen=True)
class Advance:
    by: timedelta


@dataclass(frozen=True)
class Now:
    pass


@dataclass(frozen=True)
class Blank:
    pass


@dataclass(frozen=True)
class Invalid:
    problem: str


Line = Direct | Chat | Join | Leave | Advance | Now | Blank | Invalid


def parse_line(raw: str) -> Line:
    line = raw.strip()
    if not line or line.startswith("# ") or line == "#":
        return Blank()
    if line.startswith("/"):
        return _console_command(line)
    if match := _CHAT.match(line):
        return Chat(match[1], match[2], match[3].strip())
    if match := _DIRECT.match(line):
        return Direct(match[1], match[2].strip())
    return Invalid(f"I can't read that line. Write one of: {FORMS}.")


def _console_command(line: str) -> Line:
    word, _, rest = line[1:].partition(" ")
    word, rest = word.lower(), rest.strip()
    if word in ("join", "leave"):
        if not re.fullmatch(NAME, rest):
            return Invalid(f"Usage: /{word} <name> (letters, digits, _ . -; up to 32 characters)")
        return Join(rest) if word == "join" else Leave(rest)
    if word == "advance":
        by = parse_duration(rest.lower())
        if by is None or by <= timedelta():
            return Invalid("Usage: /advance <duration>, e.g. /advance 2h, /advance 30m, /advance 1d12h")
        if by > MAX_ADVANCE:
            return Invalid("Advance by at most 3660 days at a time.")
        return Advance(by)
    if word == "now" and not rest:
        return Now()
    return Invalid(f"Unknown console command /{word[:20]}. Write one of: {FORMS}.")
