"""The console's input language, parsed into typed lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from handlers.durations import parse_duration

NAME = r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,31}"
MAX_ADVANCE = timedelta(days=3660)

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
class Attach:
    """A file for `name`'s next message (a challenge submission's photo)."""

    name: str
    path: str


@dataclass(frozen=True)
class Restart:
    """The bot is stopped, `off` passes with nothing running, then it starts again (due work runs late)."""

    off: timedelta


@dataclass(frozen=True)
class Now:
    pass


@dataclass(frozen=True)
class Blank:
    pass


@dataclass(frozen=True)
class Invalid:
    problem: str
    """The catalog key of what is wrong (`bot.console_unreadable`), shown in the community's language."""
    values: dict[str, str] = field(default_factory=dict)


Line = Direct | Chat | Join | Leave | Advance | Restart | Attach | Now | Blank | Invalid


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
    return Invalid("bot.console_unreadable")


def _console_command(line: str) -> Line:
    word, _, rest = line[1:].partition(" ")
    word, rest = word.lower(), rest.strip()
    if word in ("join", "leave"):
        if not re.fullmatch(NAME, rest):
            return Invalid("bot.console_usage_name", {"command": word})
        return Join(rest) if word == "join" else Leave(rest)
    if word in ("advance", "restart"):
        by = parse_duration(rest.lower())
        if by is None or by <= timedelta():
            return Invalid("bot.console_usage_advance" if word == "advance" else "bot.console_usage_restart")
        if by > MAX_ADVANCE:
            return Invalid("bot.console_advance_too_far", {"days": str(MAX_ADVANCE.days)})
        return Advance(by) if word == "advance" else Restart(by)
    if word == "attach":
        name, _, path = rest.partition(" ")
        if not re.fullmatch(NAME, name) or not path.strip():
            return Invalid("bot.console_usage_attach")
        return Attach(name, path.strip())
    if word == "now" and not rest:
        return Now()
    return Invalid("bot.console_unknown", {"command": word[:20]})
