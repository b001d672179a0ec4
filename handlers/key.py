"""Typed names for what features need and provide: a repository, a port another feature offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Key(Generic[T]):
    """`LEDGER: Key[Ledger] = Key("ledger")`: whoever looks it up gets a `Ledger`, checked by the type
    checker, and a missing provider is an error at start that names the key."""

    name: str

    def __str__(self) -> str:
        return self.name
