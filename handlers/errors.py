"""Domain errors: each carries the one line the person who caused it should read."""

from __future__ import annotations


class DomainError(Exception):
    """An expected refusal. `user_message` is shown as is; nothing was written."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class UsageError(DomainError):
    """The command or its arguments were not understood."""


class PermissionDenied(DomainError):
    """The asker may not do this."""


class NotFound(DomainError):
    """A member, item or entry named by the asker does not exist."""


class Conflict(DomainError):
    """The request contradicts the current state (already done, no stock, over budget...)."""
