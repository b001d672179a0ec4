"""The core's single entry point for every adapter: direct messages, chat, joins, leaves, reactions and
due jobs. Each runs in one transaction; what it sends goes out once that transaction has committed."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar, cast

from handlers.asker import Asker, asker_of
from handlers.book import MemberChanges
from handlers.choosing import answer_to_choice
from handlers.context import Context
from handlers.delivery import Outgoing
from handlers.dispatch import Dispatcher
from handlers.errors import (
    ArgumentError,
    DomainError,
    EmptyMessage,
    MembersOnly,
    MessageTooLong,
    NothingToChoose,
    StaffOnly,
    UnknownCommand,
)
from handlers.events import ChatMessage, DirectMessage, MemberJoined, MemberLeft, ReactionAdded
from handlers.i18n import Catalogs, Translator, language_of
from handlers.job_runner import JobRunner
from handlers.key import Key
from handlers.membership import Joining, Membership
from handlers.models import Choice, Member, MemberStatus, Reply, Role
from handlers.pausing import UnitsInFlight
from handlers.platforms import Platforms
from handlers.ports import Messenger, StorageUnavailable
from handlers.recurrence import Recurrence
from handlers.registry import ArgKind, Command, MemberRef, OptionValue, Registry, convert_values, parse_args
from handlers.services import Services
from handlers.text import clean
from handlers.timers import BoundJob

log = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 4000
T = TypeVar("T")


@dataclass
class Listeners:
    """The installed features' hooks, bound to their states, in install order."""

    chat: list[Callable[[ChatMessage], Awaitable[list[Reply]]]] = field(default_factory=list)
    acted: list[Callable[[int, datetime], None]] = field(default_factory=list)
    reactions: list[Callable[[Context, ReactionAdded], Awaitable[None]]] = field(default_factory=list)
    joined: list[Callable[[Context, Member, Joining], Awaitable[Reply | None]]] = field(default_factory=list)
    left: list[Callable[[Context, Member], Awaitable[None]]] = field(default_factory=list)
    gates: list[Callable[[Context, Command], Awaitable[None]]] = field(default_factory=list)
    unmatched: list[Callable[[Context, str], Awaitable[Reply | None]]] = field(default_factory=list)
    start: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    settle: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    drain: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    members_changed: list[Callable[[MemberChanges], None]] = field(default_factory=list)
    jobs: dict[str, BoundJob] = field(default_factory=dict)


class Core:
    def __init__(
        self,
        services: Services,
        messenger: Messenger,
        texts: Catalogs,
        platforms: Platforms | None = None,
        recurrence: Recurrence | None = None,
    ) -> None:
        self.services = services
        self.recurrence = recurrence
        """When cron expressions fire (the composition root gives APScheduler's); None: no recurring work."""
        self.texts = texts
        """Every language's catalogs: each unit of work reads its texts through them."""
        self.messenger = messenger
        self.platforms = platforms or Platforms()
        self.dispatcher = Dispatcher(
            services.deliveries,
            messenger,
            services.members,
            services.clock,
            self.platforms,
            services.transactions,
        )
        self.units = UnitsInFlight()
        """The units of work running: a new configuration is installed between them (`reconfigure`)."""
        self.uninstall()

    def uninstall(self) -> None:
        """Forget the installed features' commands, hooks, ports and jobs (`handlers.install.reconfigure`
        installs them again, built with a new configuration)."""
        self.registry = Registry()
        self.listeners = Listeners()
        self.membership: Membership | None = None
        """Joins and leaves from the platforms go to the members feature (set when it is installed)."""
        self.ports: dict[str, object] = {}
        """What the installed features provide, by key name (`port` reads them typed)."""
        self.timers = JobRunner(
            self.services,
            self.dispatcher,
            self.listeners.jobs,
            self.recurrence,
            self.settle,
            self._committed,
            lambda: self._context(None),
        )
        """Due jobs by their catch-up rule; also the Timetable `SCHEDULE` reads."""

    def port(self, key: Key[T]) -> T:
        """A port an installed feature provides (the composition root hands some to adapters)."""
        if key.name not in self.ports:
            raise LookupError(f"no installed feature provides {key}")
        return cast(T, self.ports[key.name])

    # -- entry points -------------------------------------------------------------------------

    async def start(self) -> None:
        """Run the features' start-up work (warm caches, sync configured items)."""
        for hook in self.listeners.start:
            await hook()

    async def resume(self) -> None:
        """Settle what a crash left half-sent and send what the last run left in the outbox: once the
        adapters that send it are running."""
        await self.dispatcher.recover()

    async def handle_direct(self, message: DirectMessage) -> list[Reply]:
        """A person wrote to the bot: run the command and return the replies for them."""
        text = " ".join(clean(message.text).split())
        durable, t = self._durable(message), self._first_t(message)
        if not text and not message.attachments:  # a photo alone is a message (a circle passes it on)
            empty = Reply(EmptyMessage().text(t), private=True)
            return await self._refused(asker_of(message), empty, durable)
        if len(message.text) > MAX_MESSAGE_LENGTH:
            too_long = Reply(MessageTooLong(MAX_MESSAGE_LENGTH).text(t), private=True)
            return await self._refused(asker_of(message), too_long, durable)
        return await self._guarded(asker_of(message), self._direct, text, durable=durable)

    async def invoke(
        self, message: DirectMessage, command_name: str, values: Mapping[str, OptionValue]
    ) -> list[Reply]:
        """Run a command whose arguments a platform already typed (a Discord slash command).

        Values are checked as if they had been typed (same conversions and limits); a member argument
        may be the Identity a person picked. Permission is checked on every call, exactly as for text.
        """
        command = self.registry.get(command_name)
        if command is None:
            return [Reply(UnknownCommand(command_name).text(self._first_t(message)), private=True)]
        durable = self._durable(message)
        return await self._guarded(asker_of(message), self._invoke, command, values, durable=durable)

    async def handle_chat(self, message: ChatMessage) -> list[Reply]:
        """A person wrote in a community channel: chat listeners (points, kudos...) react."""
        if (not message.text.strip() and not message.attachments) or not self.listeners.chat:
            return []  # a file alone counts only where the adapter kept it (a circle's bridged channel)
        cleaned = clean(message.text)
        if cleaned is not message.text:  # rare: most chat holds no control characters
            message = replace(message, text=cleaned)
        replies: list[Reply] = []
        units = self.units
        if not units.enter():  # a pause holds units back: wait for it (rare), then go on as usual
            await units.__aenter__()
        try:
            for listener in self.listeners.chat:
                replies += await listener(message)
        except DomainError as error:  # listeners answer their members in their language; this is the rest
            replies.append(Reply(error.text(self._first_t()), private=True))
        except Exception:
            log.exception("failed to handle chat from %s", message.identity)
            replies.append(Reply(self._first_t()("core.sorry"), private=True))
        finally:
            units.leave()
        return replies

    async def reaction_added(self, reaction: ReactionAdded) -> list[Reply]:
        if not self.listeners.reactions or reaction.author == reaction.identity:
            return []
        asker = Asker(reaction.identity, reaction.event_id, reaction.display_name, {}, reaction.platform_role)
        return await self._guarded(asker, self._reaction, reaction)

    async def member_joined(self, event: MemberJoined) -> list[Reply]:
        """The platform says someone joined (Discord member join, console `/join`)."""
        return await self._guarded(
            Asker(event.identity, event.event_id, event.display_name), self._joined, event
        )

    async def member_left(self, event: MemberLeft) -> list[Reply]:
        return await self._guarded(Asker(event.identity, event.event_id), self._left)

    async def run_due_jobs(self) -> int:
        """Run every job due now, oldest first, by its kind's catch-up rule; returns how many."""
        async with self.units:
            return await self.timers.run_due()

    async def settle(self) -> None:
        """Wait for work still in flight (chat points being written, their messages going out) so what
        follows reads, and is told after, all of it."""
        for hook in self.listeners.settle:
            await hook()
        for hook in self.listeners.drain:
            await hook()
        await self.dispatcher.settle()

    # -- MemberEvents: what the members feature tells every feature ------------------------------

    async def joined(self, ctx: Context, member: Member, joining: Joining) -> list[Reply]:
        added = []
        for listener in self.listeners.joined:
            reply = await listener(ctx, member, joining)
            if reply is not None:
                added.append(reply)
        return added

    async def left(self, ctx: Context, member: Member) -> None:
        for listener in self.listeners.left:
            await listener(ctx, member)

    # -- internals ------------------------------------------------------------------------------

    async def _guarded(
        self, asker: Asker, step: Callable[..., Awaitable[list[Reply]]], *args: Any, durable: bool = False
    ) -> list[Reply]:
        async with self.units:  # a new configuration is installed between units, never during one
            return await self._unit(asker, step, *args, durable=durable)

    async def _unit(
        self, asker: Asker, step: Callable[..., Awaitable[list[Reply]]], *args: Any, durable: bool = False
    ) -> list[Reply]:
        """Run `step` in one transaction with the messages it sends; with `durable`, its replies are written
        to the outbox too (before its other messages to the asker, so the answer comes first)."""
        for hook in self.listeners.settle:  # chat points still being written count before this reads
            await hook()
        ctx = self._context(asker)
        try:
            async with self.services.transactions.transaction():
                if asker.event_id and not await self.services.inbox.first_time(
                    asker.identity, asker.event_id, ctx.now
                ):
                    log.debug("ignoring replayed event %s", asker.event_id)
                    return []
                await self._load_asker(ctx, asker)
                replies = await step(ctx, *args)
                await self._remember_choices(ctx, replies)
                answers = [Outgoing(r, to=asker.identity) for r in replies] if durable else []
                written = await self.services.outbox.add([*answers, *ctx.outbox], ctx.now)
        except DomainError as error:
            ctx.rolled_back()
            return await self._refused(asker, Reply(error.text(ctx.t), private=True), durable)
        except StorageUnavailable:
            ctx.rolled_back()
            if durable:  # nothing was written: the platform retries it (a webhook answered with an error)
                raise
            log.exception("the database could not take an event from %s", asker.identity)
            return [Reply(ctx.t("core.sorry"), private=True)]
        except Exception:
            ctx.rolled_back()
            log.exception("failed to handle an event from %s", asker.identity)
            return await self._refused(asker, Reply(ctx.t("core.sorry"), private=True), durable)
        self._committed(ctx)
        await self.dispatcher.dispatch(written)
        await self.dispatcher.update_roles(ctx.role_updates)
        return replies

    async def _refused(self, asker: Asker, reply: Reply, durable: bool) -> list[Reply]:
        """An answer that changes nothing (the refused work was rolled back). A durable one is written on its
        own, with the event's id: a platform's retry of the same message is answered once."""
        if not durable:
            return [reply]
        # Not caught: if the answer cannot be written, the platform must retry the message (the webhook
        # answers with an error) rather than hear nothing.
        async with self.services.transactions.transaction():
            now = self.services.clock.now()
            if asker.event_id and not await self.services.inbox.first_time(
                asker.identity, asker.event_id, now
            ):
                return []
            written = await self.services.outbox.add([Outgoing(reply, to=asker.identity)], now)
        await self.dispatcher.dispatch(written)
        return [reply]

    def _durable(self, message: DirectMessage) -> bool:
        return message.identity.platform in self.platforms.durable_replies

    def _context(self, asker: Asker | None) -> Context:
        now = self.services.clock.now()
        if asker is None:
            return Context(self.services, self.texts, now)
        return Context(
            self.services,
            self.texts,
            now,
            actor=asker.identity,
            event_id=asker.event_id,
            display_name=asker.display_name,
            mentions=asker.mentions,
            direct=asker.direct,
            locale=asker.locale,
            attachments=asker.attachments,
        )

    def _committed(self, ctx: Context) -> None:
        ctx.committed()
        if ctx.changes:
            for hook in self.listeners.members_changed:
                try:
                    hook(ctx.changes)
                except Exception:
                    log.exception("a feature failed to follow a member change")

    async def _load_asker(self, ctx: Context, asker: Asker) -> None:
        member = await ctx.members.by_identity(asker.identity)
        configured = self.services.config.roles.role_of(asker.identity)
        active = member is not None and member.status is not MemberStatus.LEFT
        ctx.member = member
        granted = max(configured, asker.platform_role)
        ctx.role = granted if granted > Role.MEMBER else (Role.MEMBER if active else Role.EVERYONE)

    async def _direct(self, ctx: Context, text: str) -> list[Reply]:
        assert ctx.actor is not None
        if ctx.member is not None:
            await self.services.members.touch(ctx.actor, ctx.now)
        text = await answer_to_choice(self.services.choices, ctx.actor, ctx.now, text)
        found = self.registry.match(text)
        if found is None:
            if (taken := await self._plain(ctx, text)) is not None:
                return taken
            if not text or text.isdigit():  # a file alone, or a number with no choices (a survey's score)
                raise NothingToChoose() if text else EmptyMessage()
            return [self._unknown(ctx.t, text, ctx.role)]
        command, tokens = found
        try:
            await self._admit(ctx, command)  # before the arguments: no usage line for the refused
            values = parse_args(command, tokens)
        except (ArgumentError, StaffOnly) as refused:
            # Chat that starts like a command ("Thanks all!") goes to a feature taking plain lines (a circle)
            staff_command = isinstance(refused, StaffOnly) and self.registry.parses(command, tokens)
            if staff_command or (taken := await self._plain(ctx, text)) is None:
                raise
            return taken
        return await self._run(ctx, command, values)

    async def _plain(self, ctx: Context, text: str) -> list[Reply] | None:
        """A line that is no command, taken by the first feature that wants it; None: nobody did."""
        for listener in self.listeners.unmatched:
            answer = await listener(ctx, text)
            if answer is not None:  # an empty answer: taken, with nothing to say (a circle's chat)
                return [answer] if answer.text or answer.choices else []
        return None

    async def _invoke(self, ctx: Context, command: Command, given: Mapping[str, OptionValue]) -> list[Reply]:
        assert ctx.actor is not None
        if ctx.member is not None:
            await self.services.members.touch(ctx.actor, ctx.now)
        present = {
            name: clean(value) if isinstance(value, str) else value
            for name, value in given.items()
            if value is not None and value != ""
        }
        await self._admit(ctx, command)
        return await self._run(ctx, command, convert_values(command, present))

    async def _admit(self, ctx: Context, command: Command) -> None:
        """The features' gates (a newcomer's rules first), then the command's permission."""
        for gate in self.listeners.gates:
            await gate(ctx, command)
        self._check_permission(command, ctx.role)

    async def _run(self, ctx: Context, command: Command, values: dict[str, Any]) -> list[Reply]:
        """Run an admitted command with its checked arguments."""
        values = dict(values)
        for arg in command.args:
            ref = values.get(arg.name)
            if arg.kind is ArgKind.MEMBER and isinstance(ref, MemberRef):
                values[arg.name] = await ctx.resolve(ref, left=arg.left)
        member = ctx.member  # joining or accepting the rules is not yet participation
        reply = await command.handler(ctx, **values)
        if member is not None and member.status is MemberStatus.MEMBER:
            for acted in self.listeners.acted:  # participation, counted once the command has committed
                ctx.on_commit(acted, member.id, ctx.now)
        if command.private and not reply.private:
            reply = Reply(reply.text, reply.choices, private=True)
        return [reply]

    def _check_permission(self, command: Command, role: Role) -> None:
        if command.permission <= role:
            return
        if command.permission is Role.MEMBER:
            raise MembersOnly(command.name)
        raise StaffOnly(command.name, command.permission)

    def _unknown(self, t: Translator, text: str, role: Role) -> Reply:
        close = self.registry.suggest(text, role)
        names = [c.name_in(t.language) for c in close]
        unknown = UnknownCommand(text.split()[0], names)
        return Reply(unknown.text(t), choices=tuple(Choice(n, n) for n in names), private=True)

    def _first_t(self, message: DirectMessage | None = None) -> Translator:
        """Texts for a refusal before the asker is looked up: their app's language, else the community's."""
        locale = message.locale if message is not None else None
        return self.texts.translator(language_of(locale) or self.services.config.community.language)

    async def _remember_choices(self, ctx: Context, replies: list[Reply]) -> None:
        if ctx.actor is None or not ctx.direct:
            return
        offered = [c for r in replies for c in r.choices]
        if offered:
            await self.services.choices.offer(ctx.actor, offered, ctx.now)
        else:
            await self.services.choices.clear(ctx.actor)

    async def _reaction(self, ctx: Context, reaction: ReactionAdded) -> list[Reply]:
        for listener in self.listeners.reactions:
            await listener(ctx, reaction)
        return []

    async def _joined(self, ctx: Context, event: MemberJoined) -> list[Reply]:
        await self._members().join(ctx, Joining(event.invite_code, typed=False))
        return []

    async def _left(self, ctx: Context) -> list[Reply]:
        await self._members().leave(ctx)
        return []

    def _members(self) -> Membership:
        if self.membership is None:
            raise RuntimeError("no feature provides membership: install the members feature")
        return self.membership

    async def send(self, messages: Sequence[Outgoing]) -> None:
        """Send messages outside any unit of work (a moderator tool, a test): written, then dispatched."""
        async with self.services.transactions.transaction():
            written = await self.services.outbox.add(messages, self.services.clock.now())
        await self.dispatcher.dispatch(written)
