"""The garbage collector's settings for a long-running bot."""

from __future__ import annotations

import gc

THRESHOLDS = (10_000, 20, 100)
"""Allocations between young collections, and young (middle) collections between middle (full) ones;
CPython's defaults are (700, 10, 10)."""


def settle_after_start_up() -> None:
    """Freeze what start-up built and collect the young generation less often.

    What start-up built (members, totals, ranks) lives as long as the process: frozen, the cyclic
    collector no longer walks it. With the default thresholds a busy chat path ran about 1,400
    collections in 5 seconds, ten of them full passes of up to 30 ms that held back group commits;
    with these, a dozen young passes of about 5 ms and no full pass (measured with benchmarks/points.py).
    """
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
