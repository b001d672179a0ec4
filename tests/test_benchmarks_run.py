"""The benchmarks still run (tiny sizes): a benchmark that rots is found here, not when figures are due.
Nothing here is timed; the figures come from running them in full (README)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.postgres import SERVER


def test_the_commands_benchmark_runs_and_checks_its_ledger(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "commands.py"), "--commands", "60", "--members", "40",
         "--in-flight", "1", "5", "--dir", str(tmp_path), "--all-cores"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("balances equal ledger sums: True") == 2
    assert "writes,   5 in flight:" in result.stdout and "ratio of write rates" in result.stdout


def test_the_webhooks_benchmark_runs_against_the_real_process() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "webhooks.py"), "--members", "30", "--rates", "40",
         "--seconds", "1"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    row = result.stdout.strip().splitlines()[-1].split()
    assert row[:3] == ["40", "40", "40"], result.stdout  # the rate, sent, answered 200
    assert "!" not in result.stdout  # every answered message got its reply


def test_the_webhooks_benchmark_runs_two_processes_on_postgresql(postgres_url: str) -> None:
    """Two real processes on one new database of the test server, the requests alternating between them.
    (`postgres_url` is not used: it skips the test, with the reason, where no server answers.)"""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "webhooks.py"), "--members", "30", "--rates", "40",
         "--seconds", "1", "--warm-up", "20", "--postgresql", SERVER, "--processes", "2"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PostgreSQL, 2 process(es); bot 1 (leader) on CPU" in result.stdout, result.stdout
    assert "bot 2 (standby) on CPU" in result.stdout
    row = result.stdout.strip().splitlines()[-1].split()
    assert row[:3] == ["40", "40", "40"], result.stdout  # the rate, sent, answered 200
    assert "40 / 40" in result.stdout and "!" not in result.stdout  # every reply arrived exactly once


def test_the_polls_benchmark_runs_and_checks_its_ballots(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "polls.py"), "--members", "300", "--votes", "200",
         "--close-votes", "500", "--in-flight", "5", "--dir", str(tmp_path), "--all-cores"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "False" not in out, out  # every ballot count and tally matched
    assert out.count("sent to 75 of 75 WhatsApp members") == 2  # the 5-in-flight and the serial runs
    assert out.count("votes/s (bar >= 5,000/s:") == 2 and out.count("vote to durable reply: p50") == 2
    assert out.count("for 200 voters: True") == 2 and out.count("matches the votes") == 2
    assert "raw sqlite3 ceiling: the same 200 ballots + 200 picks" in out and "ratio 5 in flight" in out
    assert "tally query alone" in out and out.count("(bar < 100 ms:") == 2  # each close, durable
    assert out.count("job(s) ran, poll closed") == 2 and out.count("500 ballots, tally") == 2


def test_the_scheduler_benchmark_runs_and_sends_each_reminder_and_issue_once() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scheduler.py"), "--attendees", "60",
         "--newsletter", "300", "--all-cores"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("sent 60 ") == 3  # every reminder, without and with the chat flood
    assert "delivery rows 300 for 300 members, 300 messages handed over" in result.stdout
    assert "each member once: True" in result.stdout


def test_the_dashboard_benchmark_serves_every_page_through_the_real_server(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "dashboard.py"), "--members", "400", "--entries", "4000",
         "--events", "2000", "--requests", "2", "--dir", str(tmp_path), "--all-cores"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "400 members, 4,000 ledger entries" in out and "floor: GET /healthz" in out
    for page in (
        "overview",
        "members, segment far page",
        "ledger, rare kind",
        "session (its RSVPs)",
        "configuration",
    ):
        assert f"  {page} " in out, page
    assert "every page p99 under 200 ms:" in out and "CSV export of every award: 36 rows" in out
    assert "newsletter preview" in out
    assert "daily roll-up of a day with 2,000 events" in out
    assert "STATS: p50" in out and "STATS month: p50" in out


def test_the_circles_benchmark_runs_and_checks_each_relayed_message_arrived_once(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "circles.py"), "--members", "8", "--messages", "20",
         "--rate", "100", "--writers", "3", "--dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "relay webhook -> outbox committed: p50" in out and "floor, webhook acknowledged" in out
    assert "delivered 140 of 140 expected WhatsApp messages: missing 0, twice 0" in out
    assert "each relayed message reached each recipient exactly once: True" in out


def test_the_circles_benchmark_sends_during_the_run_to_a_fake_twilio_api_in_a_process_of_its_own(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "circles.py"), "--members", "8", "--messages", "20",
         "--rate", "100", "--writers", "3", "--dir", str(tmp_path), "--send-during", "--fake-process",
         "--send-rate", "400"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "at most 400/s, the fake Twilio API in a process of its own" in out
    # What the child process took is read back: every message counted, none twice.
    assert "delivered 140 of 140 expected WhatsApp messages: missing 0, twice 0" in out
    assert "each relayed message reached each recipient exactly once: True" in out


def test_the_scale_benchmark_starts_the_bot_and_applies_a_configuration_live(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--sizes", "200", "--requests", "3",
         "--dir", str(tmp_path), "--all-cores"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "200 members, no statistics:" in out and "200 members, after ANALYZE:" in out, out
    assert out.count("p50/p99 ms: POINTS") == 2, out
    assert out.count("configuration applied live: ") == 2 and "a POINTS sent as it began answered" in out


def test_the_load_benchmark_refuses_past_its_backlog_and_loses_nothing() -> None:
    """The short mode CI runs: a small backlog bound so that some webhooks are answered 503 and retried."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load.py"), "--members", "30", "--rates", "100", "1000",
         "--seconds", "1", "--backlog-limit", "2"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert out.count("ceiling ") >= 2 and out.count("     bot ") == 2, out
    assert "refused 0 " not in out and "retried until acknowledged: " in out, out  # some were 503
    assert "nothing lost, nothing twice: True" in out, out
    assert "refused ones wrote nothing: True" in out, out
