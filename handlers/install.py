"""Installs declared features into one Core, in order, binding their commands, hooks and jobs to their
states; a feature declared wrongly (a required feature missing or later, a name used twice, a repository
storage lacks) stops the start with a FeatureError that says which and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any, cast

from handlers.audience import CONSENT, Consent
from handlers.core import Core
from handlers.digest import DigestSource
from handlers.feature import Feature, FeatureError, Provided, Setup
from handlers.i18n import Catalogs
from handlers.membership import MEMBERSHIP, Membership
from handlers.platforms import Platforms
from handlers.ports import Messenger
from handlers.recurrence import Recurrence
from handlers.services import Services
from handlers.settings import CommunityConfig
from handlers.timers import BoundJob


def check_order(features: Sequence[Feature[Any]]) -> None:
    """Names are unique and every feature comes after the features it requires."""
    seen: set[str] = set()
    for feature in features:
        if feature.name in seen:
            raise FeatureError(f"two features are called {feature.name!r}")
        for required in feature.requires:
            if required not in seen:
                where = "later" if any(f.name == required for f in features) else "nowhere"
                raise FeatureError(f"{feature.name} requires {required}, which is installed {where}")
        seen.add(feature.name)


def build_core(
    services: Services,
    messenger: Messenger,
    features: Sequence[Feature[Any]],
    platforms: Platforms | None = None,
    *,
    texts: Catalogs,
    recurrence: Recurrence | None = None,
) -> Core:
    check_order(features)
    core = Core(services, messenger, texts, platforms, recurrence)
    provided: dict[str, Provided] = {}
    digest: list[DigestSource] = []  # every feature's newsletter section, those installed later included
    for feature in features:
        _install(core, feature, provided, digest)
    return core


async def reconfigure(
    core: Core, config: CommunityConfig, features: Sequence[Feature[Any]], platforms: Platforms | None = None
) -> None:
    """Apply a new community configuration to a running core, as a restart would but without one.

    Between units of work: new ones wait while those in flight finish and what they left in memory is
    written (`settle`: queued chat points, activity counts). Every feature is then built again from the new
    configuration and started (warm caches, configured items, recurring jobs planned again), exactly as at
    a start; the repositories, the dispatcher and the messages in flight carry on. If a feature refuses the
    new configuration at start, the core goes back to the features it had, and the error is raised."""
    check_order(features)
    async with core.units.paused():
        await core.settle()
        before = (core.services, core.platforms, core.registry, core.listeners, core.membership, core.ports)
        timers, consent = core.timers, core.dispatcher.consent
        core.services = replace(core.services, config=config)
        core.platforms = platforms or core.platforms
        core.uninstall()
        core.texts.use_overrides(config.overrides())
        try:
            provided: dict[str, Provided] = {}
            digest: list[DigestSource] = []
            for feature in features:
                _install(core, feature, provided, digest)
            await core.start()
        except BaseException:
            core.services, core.platforms, core.registry, core.listeners, core.membership, core.ports = before
            core.timers, core.dispatcher.consent = timers, consent
            core.texts.use_overrides(core.services.config.overrides())
            raise


def _install(
    core: Core, feature: Feature[Any], provided: dict[str, Provided], digest: list[DigestSource]
) -> None:
    missing = [key.name for key in feature.repositories if key.name not in core.services.repositories.names()]
    if missing:
        raise FeatureError(f"storage has no repository {', '.join(missing)} for {feature.name}")
    setup = Setup(
        feature,
        core.services,
        core.platforms,
        core.registry,
        core,
        core.dispatcher,
        core.send,
        provided,
        core.texts,
        core.recurrence,
        core.timers,
        digest=digest,
    )
    state = feature.build(setup)
    for offer in feature.provides:
        if offer.key.name in provided:
            raise FeatureError(
                f"{feature.name} provides {offer.key}, which {provided[offer.key.name].feature} did"
            )
        provided[offer.key.name] = Provided(feature.name, offer.get(state))
        core.ports[offer.key.name] = provided[offer.key.name].value
    for command in feature.commands.bind(state):
        try:
            core.registry.add(command)
        except ValueError as error:
            raise FeatureError(f"{feature.name}: {error}") from None
    hooks, listeners = feature.hooks, core.listeners
    listeners.chat += [listener_of(state) for listener_of in hooks.chat]
    listeners.acted += [listener_of(state) for listener_of in hooks.acted]
    listeners.start += [partial(hook, state) for hook in hooks.start]
    listeners.settle += [partial(hook, state) for hook in hooks.settle]
    listeners.drain += [partial(hook, state) for hook in hooks.drain]
    listeners.members_changed += [partial(hook, state) for hook in hooks.members_changed]
    digest += [partial(hook, state) for hook in hooks.digest]
    listeners.reactions += [_with_state(hook, state) for hook in hooks.reactions]
    listeners.joined += [_with_state(hook, state) for hook in hooks.joined]
    listeners.left += [_with_state(hook, state) for hook in hooks.left]
    listeners.gates += [_with_state(hook, state) for hook in hooks.gates]
    listeners.unmatched += [_with_state(hook, state) for hook in hooks.unmatched]
    for job in feature.jobs:
        if job.name in listeners.jobs:
            raise FeatureError(f"{feature.name}: job kind {job.name!r} is declared twice")
        describe = None if job.describe is None else partial(job.describe, state)
        listeners.jobs[job.name] = BoundJob(_with_state(job.run, state), job.catch_up, job.grace, describe)
    consent = provided.get(CONSENT.name)
    if consent is not None and consent.feature == feature.name:
        core.dispatcher.consent = cast(Consent, consent.value)  # the policy asks it before anything proactive
    membership = provided.get(MEMBERSHIP.name)
    if membership is not None and membership.feature == feature.name:
        core.membership = cast(Membership, membership.value)  # what members provided under MEMBERSHIP


def _with_state(hook: Any, state: Any) -> Any:
    """`hook(ctx, state, *rest)` as `bound(ctx, *rest)`: the context comes first, as the core calls it."""

    async def bound(ctx: Any, *rest: Any) -> Any:
        return await hook(ctx, state, *rest)

    return bound
