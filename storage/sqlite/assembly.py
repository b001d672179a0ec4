"""What each feature brings to the SQLite store, and the store's parts assembled from the feature list.

A feature's storage module is `storage/sqlite/<feature name>.py` and holds `STORAGE`: the repositories
it implements for the feature's keys, the migrations it owns, and its steps for merging two members and
for forgetting one. A feature without tables of its own (help) needs no module.

Merge and forget steps are single statements with the named parameters :community, :member (forget),
:source and :target (merge) and :now (UTC text). All steps of one merge or forget run in one
transaction, so it happens completely or not at all.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from handlers.feature import Feature, FeatureError
from handlers.key import Key
from storage.sql import Database

T = TypeVar("T")


@dataclass(frozen=True)
class Binding(Generic[T]):
    """A repository storage builds for a feature's key; made with `bind`."""

    key: Key[T]
    build: Callable[[Database, int], T]
    close: Callable[[T], Awaitable[None]] | None = None
    """What the store awaits before it closes the database (a writer with queued rows commits them)."""


def bind(
    key: Key[T], build: Callable[[Database, int], T], close: Callable[[T], Awaitable[None]] | None = None
) -> Binding[Any]:
    """`bind(POINTS, SqlitePoints)`: the type checker holds SqlitePoints to the PointsRepository port (a
    Binding written out in a tuple of Binding[Any] would let Any through, so bindings are made here)."""
    return Binding(key, build, close)


@dataclass(frozen=True)
class FeatureStorage:
    repositories: tuple[Binding[Any], ...] = ()
    migrations: tuple[str, ...] = ()
    """The migrations (`0002_points`) that made this feature's tables."""
    merge_steps: tuple[str, ...] = ()
    """Move what the source member has to the target (statements; see the module docstring)."""
    forget_steps: tuple[str, ...] = ()
    """Erase what identifies the member, keeping sums and other members' data correct."""
    member_media: tuple[str, ...] = ()
    """Queries (:community, :member) for the media keys (files in the media folder) of what the member sent,
    run before the forget steps; a file goes once no row names it any more (`media_in_use`)."""
    media_in_use: tuple[str, ...] = ()
    """Queries (:key) that return a row while something still names that media key (the same photo sent by
    two members is one file)."""


def storage_of(feature: Feature[Any], kernel: FeatureStorage | None = None) -> FeatureStorage:
    """The feature's storage, checked against what the feature declares it needs (a repository the kernel
    builds, such as broadcasts, is declared by the features that use it and built by the kernel)."""
    name = f"storage.sqlite.{feature.name}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        storage = FeatureStorage()
    else:
        found: object = getattr(module, "STORAGE", None)
        if not isinstance(found, FeatureStorage):
            raise FeatureError(f"{name} must define STORAGE = FeatureStorage(...)")
        storage = found
    kernel_built = {binding.key.name for binding in kernel.repositories} if kernel is not None else set()
    declared = {key.name for key in feature.repositories} - kernel_built
    built = {binding.key.name for binding in storage.repositories}
    if declared != built:
        raise FeatureError(
            f"{feature.name} declares the repositories {sorted(declared)}; {name} builds {sorted(built)}"
        )
    return storage


@dataclass(frozen=True)
class Assembly:
    """The store's parts for one list of features: the kernel's first, then each feature's in order."""

    bindings: tuple[Binding[Any], ...]
    migrations: frozenset[str]
    merge_steps: tuple[str, ...]
    forget_steps: tuple[str, ...]
    member_media: tuple[str, ...] = ()
    media_in_use: tuple[str, ...] = ()


def assemble(core: FeatureStorage, features: Sequence[Feature[Any]]) -> Assembly:
    parts = [core, *(storage_of(feature, core) for feature in features)]
    return Assembly(
        bindings=tuple(binding for part in parts for binding in part.repositories),
        migrations=frozenset(name for part in parts for name in part.migrations),
        merge_steps=tuple(step for part in parts for step in part.merge_steps),
        # Features forget first, the kernel last: their steps find the member's identities still there.
        forget_steps=tuple(step for part in [*parts[1:], parts[0]] for step in part.forget_steps),
        member_media=tuple(query for part in parts for query in part.member_media),
        media_in_use=tuple(query for part in parts for query in part.media_in_use),
    )
