"""How a feature declares itself, and what it is given to build itself.

A feature package's `__init__.py` holds one `Feature`: its name, the community-file sections it reads, the
features it requires, the repositories it needs (storage implements them), the ports it provides to other
features, its commands, hooks and job kinds. `handlers.features.FEATURES` lists the features in install
order; the community config model, the services, the SQLite store, member merging and the migrations are
assembled from that list.

A feature's commands, hooks and jobs are module-level functions that take the feature's state (what
`build` made from its section, repositories and the ports it needs) after the context: `Commands`,
`Hooks` and `JobKind` hold them unbound, and the core binds them to the state once, at install.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar, cast

from handlers.book import MemberChanges
from handlers.context import Context
from handlers.delivery import Outgoing
from handlers.digest import DigestSection, DigestSource, Week
from handlers.dispatch import Dispatcher
from handlers.events import ChatMessage, ReactionAdded
from handlers.i18n import Catalogs, Translator
from handlers.key import Key
from handlers.membership import Joining, MemberEvents
from handlers.models import Member, Reply, Role
from handlers.platforms import Platforms
from handlers.recurrence import Recurrence
from handlers.registry import Arg, Command, Registry
from handlers.section import Section
from handlers.services import Services
from handlers.settings import CommunityConfig, ConfigSection
from handlers.timers import ON_TIME, CatchUp, Timetable

S = TypeVar("S")
T = TypeVar("T")
M = TypeVar("M", bound=Section)

CommandHandler = Callable[..., Awaitable[Reply]]
"""`async def points(ctx: Context, state: S, **arguments) -> Reply`"""
ChatListener = Callable[[ChatMessage], Awaitable[list[Reply]]]
ChatHook = Callable[[S], ChatListener]
"""Gives the listener for chat, bound to the state once: chat is the hot path (no wrapper call per
message, no transaction; the listener makes its own writes durable)."""
ActedListener = Callable[[int, datetime], None]
ActedHook = Callable[[S], ActedListener]
"""Gives what is told, after the commit, that a member ran a command or clicked a choice (member id, when):
participation that is not a channel message."""
ReactionHook = Callable[[Context, S, ReactionAdded], Awaitable[None]]
JoinHook = Callable[[Context, S, Member, Joining], Awaitable[Reply | None]]
"""On every join; may return what to add to the welcome (text and choices)."""
LeaveHook = Callable[[Context, S, Member], Awaitable[None]]
GateHook = Callable[[Context, S, Command], Awaitable[None]]
"""Runs before a command's permission check; raises a DomainError to refuse (rules not accepted yet)."""
UnmatchedHook = Callable[[Context, S, str], Awaitable[Reply | None]]
"""Offered a direct message that is no command (the answer to a prompt); None passes it on, and `TAKEN`
(an empty Reply) takes it with nothing to answer (a circle's chat, passed on to the others)."""
TAKEN = Reply("")
StateHook = Callable[[S], Awaitable[None]]
ChangesHook = Callable[[S, MemberChanges], None]
"""After a commit that changed members (status, identities, merges): caches follow."""
DigestHook = Callable[[S, Week, Translator], Awaitable[DigestSection | None]]
"""The feature's section of the weekly newsletter (handlers.digest), None when it has nothing to tell."""
JobRun = Callable[[Context, S, dict[str, Any]], Awaitable[None]]
JobDescriber = Callable[[S, Translator, dict[str, Any]], Awaitable[str | None]]
"""What a pending job of this kind is, in a line (`Poll #3 closes`); None hides it from `SCHEDULE`."""
Send = Callable[[Sequence[Outgoing]], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    help: str
    handler: CommandHandler
    args: tuple[Arg, ...] = ()
    permission: Role = Role.MEMBER
    private: bool = False
    aliases: tuple[str, ...] = ()
    localized: Mapping[str, str] = field(default_factory=dict)
    files: bool = False


class Commands(Generic[S]):
    """A feature's commands, declared once with `@commands.command(...)` on module-level functions."""

    def __init__(self) -> None:
        self.specs: list[CommandSpec] = []

    def command(
        self,
        name: str,
        help: str,
        *args: Arg,
        permission: Role = Role.MEMBER,
        private: bool = False,
        aliases: Iterable[str] = (),
        localized: Mapping[str, str] | None = None,
        files: bool = False,
    ) -> Callable[[CommandHandler], CommandHandler]:
        """`help` is the catalog key of what it does; `localized` its keyword in other languages; `files`
        whether it takes attached files (Command.files)."""

        def declare(handler: CommandHandler) -> CommandHandler:
            spec = CommandSpec(
                name,
                help,
                handler,
                tuple(args),
                permission,
                private,
                tuple(aliases),
                dict(localized or {}),
                files,
            )
            self.specs.append(spec)
            return handler

        return declare

    def bind(self, state: S) -> list[Command]:
        return [
            Command(
                s.name,
                s.help,
                _bound(s.handler, state),
                s.args,
                s.permission,
                s.private,
                s.aliases,
                s.localized,
                s.files,
            )
            for s in self.specs
        ]


def _bound(handler: CommandHandler, state: Any) -> CommandHandler:
    @functools.wraps(handler)
    async def run(ctx: Context, **values: Any) -> Reply:
        return await handler(ctx, state, **values)

    return run


@dataclass(frozen=True)
class Hooks(Generic[S]):
    """What a feature plugs in besides commands, each called with the feature's state."""

    chat: tuple[ChatHook[S], ...] = ()
    acted: tuple[ActedHook[S], ...] = ()
    reactions: tuple[ReactionHook[S], ...] = ()
    joined: tuple[JoinHook[S], ...] = ()
    left: tuple[LeaveHook[S], ...] = ()
    gates: tuple[GateHook[S], ...] = ()
    unmatched: tuple[UnmatchedHook[S], ...] = ()
    start: tuple[StateHook[S], ...] = ()
    """At start, before any traffic (warm caches, sync configured items)."""
    settle: tuple[StateHook[S], ...] = ()
    """Awaited before every command, event and job: writes still in flight (chat points) land first."""
    drain: tuple[StateHook[S], ...] = ()
    """Awaited when the core is asked to settle (after a console line, in tests, at a clean stop), never
    before a command: background work (a roll-up, counts kept in memory) finishes and is written."""
    members_changed: tuple[ChangesHook[S], ...] = ()
    digest: tuple[DigestHook[S], ...] = ()
    """Sections of the weekly newsletter (handlers.digest)."""


@dataclass(frozen=True)
class JobKind(Generic[S]):
    """A kind of persisted job (the timer table), what runs it, its catch-up rule (handlers.timers) and
    how `SCHEDULE` shows a pending one to moderators (None: internal work, not listed)."""

    name: str
    run: JobRun[S]
    catch_up: CatchUp = CatchUp.LATE
    grace: timedelta = ON_TIME
    describe: JobDescriber[S] | None = None


@dataclass(frozen=True)
class Provide(Generic[S, T]):
    """A port this feature offers the features that require it, taken from its state."""

    key: Key[T]
    get: Callable[[S], T]


def provide(key: Key[T], get: Callable[[S], T]) -> Provide[S, Any]:
    """`provide(LEDGER, lambda engine: engine)`: the type checker holds what `get` returns to the port (a
    Provide written out in the declaration's tuple would let Any through, so offers are made here)."""
    return Provide(key, get)


@dataclass(frozen=True)
class Feature(Generic[S]):
    name: str
    build: Callable[[Setup], S]
    """Makes the feature's state from its section, repositories and the ports it needs."""
    sections: tuple[ConfigSection, ...] = ()
    requires: tuple[str, ...] = ()
    """Features installed before this one, whose ports it may `need`."""
    repositories: tuple[Key[Any], ...] = ()
    """Repositories storage must implement for it (`storage/sqlite/<name>.py`)."""
    provides: tuple[Provide[S, Any], ...] = ()
    commands: Commands[S] = field(default_factory=Commands)
    hooks: Hooks[S] = field(default_factory=Hooks)
    jobs: tuple[JobKind[S], ...] = ()


class FeatureError(Exception):
    """A feature is declared or installed wrongly: a programming error, reported at start."""


@dataclass(frozen=True)
class Provided:
    feature: str
    value: object


class Setup:
    """What `build` is given: only what the feature declared it reads, needs and requires."""

    def __init__(
        self,
        feature: Feature[Any],
        services: Services,
        platforms: Platforms,
        commands: Registry,
        member_events: MemberEvents,
        dispatcher: Dispatcher,
        send: Send,
        provided: Mapping[str, Provided],
        texts: Catalogs,
        recurrence: Recurrence | None = None,
        timetable: Timetable | None = None,
        *,
        digest: Sequence[DigestSource] = (),
    ) -> None:
        self.feature = feature
        self.digest = digest
        """Every feature's section of the weekly newsletter (handlers.digest), those installed later too."""
        self.timetable = timetable
        """The pending jobs of every feature, described (SCHEDULE)."""
        self.recurrence = recurrence
        """When cron expressions fire; None when the composition root gave none (no recurring work)."""
        self.texts = texts
        """Every language's catalogs, for what a feature writes outside any Context (chat replies)."""
        self.services = services
        self.platforms = platforms
        self.commands = commands
        """Every installed command (HELP lists them)."""
        self.member_events = member_events
        self.dispatcher = dispatcher
        """Sends what is pending in the outbox (`kick`) and applies role changes, outside any command."""
        self.send = send
        """Writes messages and sends them, outside any unit of work (an apology when a write failed)."""
        self._provided = provided

    @property
    def config(self) -> CommunityConfig:
        return self.services.config

    def section(self, model: type[M]) -> M:
        if all(s.model is not model for s in self.feature.sections):
            raise FeatureError(
                f"{self.feature.name} reads {model.__name__} without declaring it as a section"
            )
        return self.services.config.section(model)

    def entries(self, model: type[M]) -> list[M]:
        """The entries of a section declared `many` (an array of tables)."""
        if all(s.model is not model or not s.many for s in self.feature.sections):
            raise FeatureError(
                f"{self.feature.name} reads {model.__name__} entries without declaring them as a section"
            )
        return self.services.config.entries(model)

    def repository(self, key: Key[T]) -> T:
        if key not in self.feature.repositories:
            raise FeatureError(f"{self.feature.name} uses the {key} repository without declaring it")
        return self.services.repository(key)

    def need(self, key: Key[T]) -> T:
        found = self._provided.get(key.name)
        if found is None:
            raise FeatureError(
                f"{self.feature.name} needs {key}, which no feature installed before it provides"
            )
        if found.feature not in self.feature.requires:
            raise FeatureError(f"{self.feature.name} needs {key} from {found.feature}: add it to requires")
        return cast(T, found.value)  # Provide[S, T] put a T under key.name
