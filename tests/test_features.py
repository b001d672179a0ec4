"""Every feature, as the bot installs them: they load in order, their commands do not collide, storage
builds what they declare, every migration has an owner and every key of the community file is documented."""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.formats import TEXTS
from config.community import CommunityFile
from handlers.audience import CONSENT
from handlers.feature import Commands, Feature, FeatureError, Setup
from handlers.features import FEATURES
from handlers.install import build_core, check_order
from handlers.ledger import LEDGER
from handlers.points._settings import PointsRules
from storage.sqlite.migrations import available
from storage.store import Store, claimed_migrations
from tests.conftest import ROOT
from tests.fakes import FakeClock, RecordingMessenger


async def test_every_feature_installs_on_a_real_store(store: Store, clock: FakeClock) -> None:
    core = build_core(store.services(CommunityFile(), clock), RecordingMessenger(), FEATURES, texts=TEXTS)
    await core.start()
    declared = {spec.name for feature in FEATURES for spec in feature.commands.specs}
    assert declared == {command.name for command in core.registry.all()}
    assert core.membership is not None  # the members feature answers the platforms' joins
    assert {LEDGER.name, CONSENT.name} <= set(core.ports)


def test_features_come_after_what_they_require() -> None:
    check_order(FEATURES)
    names = [f.name for f in FEATURES]
    for feature in FEATURES:
        for required in feature.requires:
            assert names.index(required) < names.index(feature.name), (feature.name, required)
    with pytest.raises(FeatureError, match="shop requires points, which is installed later"):
        check_order([f for f in FEATURES if f.name != "points"] + [f for f in FEATURES if f.name == "points"])


def test_command_names_and_aliases_never_collide() -> None:
    words = [w for f in FEATURES for spec in f.commands.specs for w in (spec.name, *spec.aliases)]
    assert len(words) == len(set(words)), sorted(w for w in words if words.count(w) > 1)


def test_storage_builds_exactly_the_repositories_the_features_declare(store: Store) -> None:
    declared = {key.name for feature in FEATURES for key in feature.repositories}
    assert store.repositories.names() == declared


def test_every_migration_file_is_claimed_by_the_kernel_or_a_feature() -> None:
    assert claimed_migrations() == {f"{m.version:04d}_{m.name}" for m in available()}


def test_a_feature_reads_only_what_it_declares(store: Store, clock: FakeClock) -> None:
    """Undeclared sections, repositories and ports are refused at start, naming what to declare."""

    @dataclass
    class Tries:
        what: str

    def build(setup: Setup) -> Tries:
        if tries.what == "section":
            setup.section(PointsRules)
        elif tries.what == "port":
            setup.need(LEDGER)
        return tries

    tries = Tries("section")
    nosy: Feature[Tries] = Feature(name="nosy", build=build, commands=Commands())
    services = store.services(CommunityFile(), clock)
    with pytest.raises(FeatureError, match="nosy reads PointsRules without declaring it"):
        build_core(services, RecordingMessenger(), (*FEATURES, nosy), texts=TEXTS)
    tries.what = "port"
    with pytest.raises(FeatureError, match="nosy needs ledger from points: add it to requires"):
        build_core(services, RecordingMessenger(), (*FEATURES, nosy), texts=TEXTS)


def test_the_example_community_file_documents_every_key() -> None:
    example = (ROOT / "community.example.toml").read_text(encoding="utf-8")
    missing = []

    def walk(model: type[BaseModel], path: str) -> None:
        for key, info in model.model_fields.items():
            inner = info.annotation
            items = typing.get_args(inner)
            models = [t for t in (inner, *items) if isinstance(t, type) and issubclass(t, BaseModel)]
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                if f"[{path}{key}]" not in example:
                    missing.append(f"[{path}{key}]")
                walk(inner, f"{path}{key}.")
            elif models and typing.get_origin(inner) is list:  # an array of tables
                if f"[[{path}{key}]]" not in example:
                    missing.append(f"[[{path}{key}]]")
                walk(models[0], f"{path}{key}.")
            elif typing.get_origin(inner) is dict:  # a table of free keys
                if f"[{path}{key}]" not in example:
                    missing.append(f"[{path}{key}]")
            elif not re.search(rf"^#?\s*{key}\s*=", example, re.MULTILINE):
                missing.append(path + key)

    walk(CommunityFile, "")
    assert not missing


def test_each_feature_package_holds_its_declaration_in_init() -> None:
    for feature in FEATURES:
        init = Path(ROOT / "handlers" / feature.name / "__init__.py")
        assert init.exists(), f"{feature.name} is not a package under handlers/"
        assert f'name="{feature.name}"' in init.read_text(encoding="utf-8")
