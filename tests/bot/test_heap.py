"""After start-up the bot freezes what start-up built and collects young objects less often."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.heap import THRESHOLDS, settle_after_start_up


@pytest.fixture
def restored_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # CPython's defaults, whatever an earlier test started
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_start_up_objects_are_frozen_and_young_collections_are_rarer(restored_gc: None) -> None:
    built_at_start_up = [{"member": n} for n in range(1_000)]
    settle_after_start_up()
    settle_after_start_up()  # a second start in the same process changes nothing more
    assert gc.get_freeze_count() >= len(built_at_start_up)
    assert gc.get_threshold() == THRESHOLDS
    young_collections = gc.get_stats()[0]["collections"]
    kept = [[n] for n in range(50_000)]  # a burst of chat allocates like this
    assert gc.get_stats()[0]["collections"] - young_collections <= len(kept) // THRESHOLDS[0] + 1
