"""The core's single entry point for every adapter: messages, chat, joins, leaves and due jobs."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from handlers import members
from handlers.context import Context
from handlers.errors import DomainError, PermissionDenied, UsageError
from handlers.members import MemberListener
from handlers.models import (
    Choice,
    Identity,
    IncomingMessage,
    MemberStatus,
    Outgoing,
    Reply,
    Role,
    RoleUpdate,
)
from handlers.ports import Job, Messenger
from handlers.registry import ArgKind, Command, MemberRef, Registry, convert_values
from handlers.services import Services

log = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 4000
CHOICES_VALID_FOR = timedelta(hours=24)
JOB_BATCH = 100
JOB_RETRY_AFTER = timedelta(minutes=5)
JOB_MAX_ATTEMPTS = 5
SORRY = "Sorry, something went wrong on our side and nothing was changed. Please try again."

ChatListener = Callable[[IncomingMessage], Awaitable[list[Reply]]]
"""Chat is the hot path: a listener gets no transaction and makes its own writes durable."""
StartupHook = Callable[[], Awaitable[None]]
ReactionListener = Callable[[Context, Identity, str], Awaitable[None]]
JobHandler = Callable[[Context, dict[str, Any]], Awaitable[None]]
Gate = Callable[[Context, Command], Awaitable[None]]
"""Runs before a command's permission check; raises a DomainError to refuse (e.g. rules not accepted)."""
UnmatchedListener = Callable[[Context, str], Awaitable[Reply | None]]
"""Offered a direct message that is no command (e.g. the answer to a prompt); None passes it on."""


@dataclass
class Hooks:
    """What features plug in besides commands."""

    chat: list[ChatListener] = field(default_factory=list)
    reactions: list[ReactionListener] = field(default_factory=list)
    """Called with the reactor's context, the reacted message's author and the emoji."""
    joined: list[MemberListener] = field(default_factory=list)
    left: list[MemberListener] = field(default_factory=list)
    jobs: dict[str, JobHandler] = field(default_factory=dict)
    startup: list[StartupHook] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    unmatched: list[UnmatchedListener] = field(default_factory=list)
    settle: list[StartupHook] = field(default_factory=list)
    """Awaited before every command, event and job: writes still in flight (chat points) land first,
    so a command reads everything that happened before it."""


class Core:
    def __init__(self, services: Services, messenger: Messenger) -> None:
        self.services = services
        self.messenger = messenger
        self.registry = Registry()
        self.hooks = Hooks()
        self.features: dict[str, Any] = {}
        """Feature state other features may use (e.g. "points": the PointsEngine)."""

    # -- entry points -------------------------------------------------------------------------

    async def start(self) -> None:
        """Run the features' start-up work (warm caches, sync configured items)."""
        for hook in self.hooks.startup:
            await hook()

    async def handle_direct(self, message: IncomingMessage) -> list[Reply]:
        """A person wrote to the bot: run the command and return the replies for them."""
        text = " ".join(message.text.split())
        if not text:
            return [Reply("Send HELP to see what I can do.", private=True)]
        if len(message.text) > MAX_MESSAGE_LENGTH:
            return [
                Reply(f"That message is too long (at most {MAX_MESSAGE_LENGTH:,} characters).", private=True)
            ]
        return await self._guarded(message, self._direct, message, text)

    async def invoke(
        self, message: IncomingMessage, command_name: str, values: dict[str, Any]
    ) -> list[Reply]:
        """Run a command whose arguments a platform already typed (a Discord slash command).

        Values are checked as if they had been typed (same conversions and limits); member arguments may be
        given as identities. Permission is checked on every call, exactly as for text.
        """
        command = self.registry.get(command_name)
        if command is None:
            return [Reply(f"Unknown command {command_name}. Send HELP for the list.", private=True)]
        return await self._guarded(message, self._invoke, command, values)

    async def handle_chat(self, message: IncomingMessage) -> list[Reply]:
        """A person wrote in a community channel: chat listeners (points, kudos...) react."""
        if not message.text.strip() or not self.hooks.chat:
            return []
        replies: list[Reply] = []
        try:
            for listener in self.hooks.chat:
                replies += await listener(message)
        except DomainError as error:
            replies.append(Reply(error.user_message, private=True))
        except Exception:
            log.exception("failed to handle chat from %s", message.identity)
            replies.append(Reply(SORRY, private=True))
        return replies

    async def reaction_added(self, reaction: IncomingMessage, author: Identity, emoji: str) -> list[Reply]:
        """`reaction.identity` reacted with `emoji` to a message by `author`.

        `reaction.message_id` must identify the reaction (message id, reactor, emoji) so that a replayed
        event has no second effect.
        """
        if not self.hooks.reactions or author == reaction.identity:
            return []
        return await self._guarded(reaction, self._reaction, author, emoji)

    async def member_joined(
        self,
        identity: Identity,
        display_name: str | None = None,
        message_id: str | None = None,
        invite_code: str | None = None,
    ) -> list[Reply]:
        """The platform says someone joined (Discord member join, console `/join`)."""
        event = IncomingMessage(
            identity, "", message_id=message_id, display_name=display_name, invite_code=invite_code
        )
        return await self._guarded(event, self._joined, event)

    async def member_left(self, identity: Identity, message_id: str | None = None) -> list[Reply]:
        event = IncomingMessage(identity, "", message_id=message_id)
        return await self._guarded(event, self._left, event)

    async def run_due_jobs(self) -> int:
        """Run every job due now, oldest first; returns how many ran."""
        done = 0
        while True:
            now = self.services.clock.now()
            jobs = await self.services.jobs.due(now, JOB_BATCH)
            if not jobs:
                return done
            for job in jobs:
                await self._run_job(job)
                done += 1

    # -- internals ------------------------------------------------------------------------------

    async def settle(self) -> None:
        for hook in self.hooks.settle:
            await hook()

    async def _guarded(
        self, message: IncomingMessage, step: Callable[..., Awaitable[list[Reply]]], *args: Any
    ) -> list[Reply]:
        await self.settle()
        ctx = self._context(message)
        try:
            async with self.services.transactions.transaction():
                if message.message_id and not await self.services.inbox.first_time(
                    message.identity, message.message_id, ctx.now
                ):
                    log.info("ignoring replayed message %s", message.message_id)
                    return []
                await self._load_asker(ctx)
                replies = await step(ctx, *args)
                await self._remember_choices(ctx, replies)
        except DomainError as error:
            _run_all(ctx.on_rollback)
            return [Reply(error.user_message, private=True)]
        except Exception:
            _run_all(ctx.on_rollback)
            log.exception("failed to handle a message from %s", message.identity)
            return [Reply(SORRY, private=True)]
        _run_all(ctx.after_commit)
        await self.deliver(ctx.outbox)
        return replies

    def _context(self, message: IncomingMessage | None) -> Context:
        return Context(
            self.services,
            self.services.clock.now(),
            actor=message.identity if message else None,
            message=message,
        )

    async def _load_asker(self, ctx: Context) -> None:
        assert ctx.actor is not None
        member = await self.services.members.by_identity(ctx.actor)
        configured = self.services.config.roles.role_of(ctx.actor)
        active = member is not None and member.status is not MemberStatus.LEFT
        ctx.member = member
        granted = max(configured, ctx.message.platform_role if ctx.message else Role.EVERYONE)
        ctx.role = granted if granted > Role.MEMBER else (Role.MEMBER if active else Role.EVERYONE)

    async def _direct(self, ctx: Context, message: IncomingMessage, text: str) -> list[Reply]:
        if ctx.member is not None:
            await self.services.members.touch(message.identity, ctx.now)
        text = await self._answer_to_choice(ctx, text)
        parsed = self.registry.parse(text)
        if parsed is None:
            for listener in self.hooks.unmatched:
                answer = await listener(ctx, text)
                if answer is not None:
                    return [answer]
            return [self._unknown(text, ctx.role)]
        return await self._run(ctx, parsed.command, parsed.values)

    async def _invoke(self, ctx: Context, command: Command, given: dict[str, Any]) -> list[Reply]:
        if ctx.member is not None:
            await self.services.members.touch(ctx.actor, ctx.now)  # type: ignore[arg-type]
        tokens = {}
        for arg in command.args:
            value = given.get(arg.name)
            if value is None or value == "":
                continue
            tokens[arg.name] = str(value)
        return await self._run(ctx, command, convert_values(command, tokens))

    async def _run(self, ctx: Context, command: Command, values: dict[str, Any]) -> list[Reply]:
        for gate in self.hooks.gates:
            await gate(ctx, command)
        self._check_permission(command, ctx.role)
        values = dict(values)
        for arg in command.args:
            if arg.kind is ArgKind.MEMBER and isinstance(values.get(arg.name), MemberRef):
                values[arg.name] = await ctx.resolve(values[arg.name])
        reply = await command.handler(ctx, **values)
        if command.private and not reply.private:
            reply = Reply(reply.text, reply.choices, private=True)
        return [reply]

    async def _answer_to_choice(self, ctx: Context, text: str) -> str:
        """`2` or `yes` answers the choices last offered to this person."""
        assert ctx.actor is not None
        if not re.fullmatch(r"[0-9]{1,2}|[^\s]{1,40}", text):
            return text
        offered = await self.services.choices.pending(ctx.actor, ctx.now - CHOICES_VALID_FOR)
        if not offered:
            if text.isdigit():
                raise UsageError("There is nothing to choose right now. Send HELP to see what I can do.")
            return text
        if text.isdigit():
            index = int(text)
            if not 1 <= index <= len(offered):
                raise UsageError(f"Answer with a number from 1 to {len(offered)}.")
            return offered[index - 1].command
        for choice in offered:
            if text.lower() == choice.label.lower():
                return choice.command
        return text

    def _check_permission(self, command: Command, role: Role) -> None:
        if command.permission <= role:
            return
        if command.permission is Role.MEMBER:
            raise PermissionDenied(f"{command.name} is for members: send JOIN to join first.")
        raise PermissionDenied(f"{command.name} is for {command.permission.label}s only.")

    def _unknown(self, text: str, role: Role) -> Reply:
        word = text.split()[0]
        shown = word if len(word) <= 30 else word[:29] + "…"
        close = self.registry.suggest(text, role)
        if not close:
            return Reply(f"I don't know “{shown}”. Send HELP to see what you can do.", private=True)
        choices = tuple(Choice(c.name, c.name) for c in close)
        return Reply(
            f"I don't know “{shown}”. Did you mean {' or '.join(c.name for c in close)}?",
            choices=choices,
            private=True,
        )

    async def _remember_choices(self, ctx: Context, replies: list[Reply]) -> None:
        if ctx.actor is None or ctx.message is None or ctx.message.channel is not None:
            return
        offered = [c for r in replies for c in r.choices]
        if offered:
            await self.services.choices.offer(ctx.actor, offered, ctx.now)
        else:
            await self.services.choices.clear(ctx.actor)

    async def _reaction(self, ctx: Context, author: Identity, emoji: str) -> list[Reply]:
        for listener in self.hooks.reactions:
            await listener(ctx, author, emoji)
        return []

    async def _joined(self, ctx: Context, event: IncomingMessage) -> list[Reply]:
        await members.join(ctx, self.hooks.joined, platform_event=True)
        return []

    async def _left(self, ctx: Context, event: IncomingMessage) -> list[Reply]:
        await members.leave(ctx, self.hooks.left)
        return []

    async def _run_job(self, job: Job) -> None:
        handler = self.hooks.jobs.get(job.kind)
        await self.settle()
        ctx = self._context(None)
        try:
            async with self.services.transactions.transaction():
                if handler is None:
                    raise LookupError(f"no handler for job kind {job.kind!r}")
                await handler(ctx, job.payload)
                await self.services.jobs.finish(job.id, ctx.now)
        except Exception as error:
            _run_all(ctx.on_rollback)
            log.exception("job %s (%s) failed", job.id, job.kind)
            retry = job.attempts + 1 < JOB_MAX_ATTEMPTS and handler is not None
            async with self.services.transactions.transaction():
                await self.services.jobs.fail(
                    job.id,
                    f"{type(error).__name__}: {error}"[:500],
                    ctx.now + JOB_RETRY_AFTER * (2**job.attempts) if retry else None,
                    ctx.now,
                )
            return
        _run_all(ctx.after_commit)
        await self.deliver(ctx.outbox)

    async def deliver(self, outbox: list[Outgoing | RoleUpdate]) -> None:
        """Send what a committed change queued; a failed send is logged, never raised."""
        for item in outbox:
            try:
                if isinstance(item, RoleUpdate):
                    update_role = getattr(self.messenger, "update_role", None)
                    if update_role is not None:
                        await update_role(item)
                else:
                    await self.messenger.deliver(item)
            except Exception:
                log.exception("could not deliver %s", type(item).__name__)


def _run_all(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("a commit/rollback callback failed")
