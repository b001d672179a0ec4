"""The admins' data-care commands as real processes: backup while a bot writes, restore (only with no bot
running, after checking the file), forget and export member."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.sqlite import migrations
from storage.sqlite.database import Database
from storage.sqlite.migrations import available, migrate
from tests.bot.cli_helpers import bot_env, communitybot
from tests.conftest import ROOT

LATEST = available()[-1].version


class Console:
    """`communitybot console` running on the work folder's database, fed line by line."""

    def __init__(self, workdir: Path) -> None:
        self.out = (workdir / "console.out").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            stdin=subprocess.PIPE,
            stdout=self.out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=workdir,
            env=bot_env(workdir),
        )
        self.database = workdir / "data" / "bot.db"
        self._lock = threading.Lock()

    def say(self, *lines: str) -> None:
        assert self.process.stdin is not None
        with self._lock:
            self.process.stdin.write("".join(f"{line}\n" for line in lines))
            self.process.stdin.flush()

    def wait_for_lease(self) -> None:
        for _ in range(400):
            if self.database.exists():
                with sqlite3.connect(self.database) as connection:
                    try:
                        row = connection.execute("SELECT holder FROM scheduler_lease").fetchone()
                    except sqlite3.OperationalError:
                        row = None
                if row is not None and f":{self.process.pid}:" in row[0]:
                    return
            time.sleep(0.05)
        raise AssertionError("the console never took the scheduler lease")

    def stop(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=60)
        self.out.close()
        return code


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "docs" / "polls-demo.toml", tmp_path / "community.toml")  # console:mod moderates
    return tmp_path


@pytest.fixture
def console(workdir: Path) -> Iterator[Console]:
    bot = Console(workdir)
    try:
        bot.say("/join alice", "/join bob")
        bot.wait_for_lease()
        yield bot
    finally:
        if bot.process.poll() is None:
            bot.process.kill()
            bot.process.wait()


def query(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, params).fetchall()


def unbalanced(path: Path) -> list[tuple]:
    return query(
        path,
        "SELECT b.member_id FROM balances b"
        " WHERE b.balance IS NOT (SELECT sum(delta) FROM ledger l WHERE l.member_id = b.member_id)",
    )


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The one line the command ended on, after checking it failed."""
    assert result.returncode != 0, result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("communitybot: "), result.stderr
    assert "Traceback" not in result.stderr
    return last


def wait_until(check: object, seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.05)):
        if callable(check) and check():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_backup_while_the_bot_awards_points_is_consistent(workdir: Path, console: Console) -> None:
    stop = threading.Event()

    def award() -> None:
        n = 0
        while not stop.is_set():
            console.say(*(f"mod: AWARD @{who} {1 + n % 5} for round {n}" for who in ("alice", "bob")))
            n += 1
            time.sleep(0.002)

    writer = threading.Thread(target=award)
    writer.start()
    try:
        wait_until(lambda: query(console.database, "SELECT count(*) FROM ledger")[0][0] > 50)
        counts = []
        for n in range(3):
            copy = workdir / f"backup{n}.db"
            result = communitybot(workdir, "backup", str(copy))
            assert result.returncode == 0, result.stderr
            assert f"backed up {console.database} to {copy}" in result.stdout
            assert query(copy, "PRAGMA integrity_check") == [("ok",)]
            assert unbalanced(copy) == []
            counts.append(query(copy, "SELECT count(*) FROM ledger")[0][0])
    finally:
        stop.set()
        writer.join()
    assert counts == sorted(counts) and counts[0] > 50
    assert query(console.database, "SELECT count(*) FROM ledger")[0][0] > counts[-1]  # it kept writing
    assert console.stop() == 0
    again = communitybot(workdir, "backup", str(workdir / "backup0.db"))
    assert "--force" in refusal(again)
    assert communitybot(workdir, "backup", str(workdir / "backup0.db"), "--force").returncode == 0


def test_restore_waits_for_the_bot_to_stop_then_keeps_the_replaced_database(
    workdir: Path, console: Console
) -> None:
    console.say("mod: AWARD @alice 7 for the first tasting")
    wait_until(lambda: query(console.database, "SELECT count(*) FROM ledger")[0][0] == 1)
    copy = workdir / "monday.db"
    assert communitybot(workdir, "backup", str(copy)).returncode == 0
    console.say("mod: AWARD @alice 9 for the second tasting")
    wait_until(lambda: query(console.database, "SELECT count(*) FROM ledger")[0][0] == 2)

    running = communitybot(workdir, "restore", str(copy))
    assert "a bot is running on" in refusal(running) and "stop it first" in refusal(running)
    assert not list((workdir / "data").glob("*.bak"))

    assert console.stop() == 0
    result = communitybot(workdir, "restore", str(copy))
    assert result.returncode == 0, result.stderr
    kept = list((workdir / "data").glob("bot.db.*.bak"))
    assert len(kept) == 1 and f"kept the replaced database as {kept[0]}" in result.stdout
    assert query(console.database, "SELECT sum(delta) FROM ledger") == [(7,)]
    assert query(kept[0], "SELECT sum(delta) FROM ledger") == [(16,)]
    # The bot runs on the restored file.
    after = communitybot(workdir, "console", stdin="alice: POINTS\n")
    assert after.returncode == 0 and "7" in after.stdout


async def test_restore_migrates_an_older_backup(workdir: Path) -> None:
    old = workdir / "old.db"
    db = await Database.open(old)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(migrations, "available", lambda: [m for m in available() if m.version <= 13])
            await migrate(db)
    finally:
        await db.close()
    result = communitybot(workdir, "restore", str(old))
    assert result.returncode == 0, result.stderr
    assert "applied 0014_live_posts" in result.stdout
    assert f"(schema version {LATEST})" in result.stdout
    versions = query(workdir / "data" / "bot.db", "SELECT max(version) FROM schema_migrations")
    assert versions == [(LATEST,)]


def test_restore_checks_the_file_first(workdir: Path) -> None:
    assert communitybot(workdir, "console", stdin="/join alice\n").returncode == 0
    database = workdir / "data" / "bot.db"
    before = query(database, "SELECT handle FROM members")
    (workdir / "notes.db").write_text("not a database\n" * 50)
    other = workdir / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE things (x)")
    newer = workdir / "newer.db"
    assert communitybot(workdir, "backup", str(newer)).returncode == 0
    with sqlite3.connect(newer) as connection:
        connection.execute("INSERT INTO schema_migrations VALUES (9999, 'future', '2030-01-01T00:00:00Z')")
    reasons = {
        "missing.db": "no file at",
        "notes.db": "not an SQLite database",
        "other.db": "not a communitybot database",
        "newer.db": "newer than this communitybot",
    }
    for name, reason in reasons.items():
        assert reason in refusal(communitybot(workdir, "restore", str(workdir / name))), name
    assert query(database, "SELECT handle FROM members") == before
    assert not list((workdir / "data").glob("*.bak"))


def test_forget_from_the_command_line_waits_for_the_bot_to_stop(workdir: Path, console: Console) -> None:
    """A running bot keeps Bob's identity and handle in memory once he chatted: erased behind its back, it
    would still show @bob on the board and credit kudos to the forgotten member. So the command line
    refuses while a bot runs (moderators use FORGET in chat then), and the bot started afterwards sees
    only the forgotten member."""
    console.say(
        "#general bob: good morning everyone, the cake is ready",
        "#general alice: thanks @bob for the cake",
        "mod: AWARD @bob 12 for the recipe",
        "mod: AWARD @alice 3 for the photo",
    )
    database = console.database
    wait_until(lambda: query(database, "SELECT count(*) FROM ledger WHERE kind = 'award'") == [(2,)])
    asked = communitybot(workdir, "forget", "@bob")  # who would go: a read, fine while the bot runs
    assert asked.returncode == 1 and "@bob (bob, 1 identities)" in asked.stdout and "--yes" in asked.stdout
    running = refusal(communitybot(workdir, "forget", "@bob", "--yes"))
    assert "a bot is running" in running and "FORGET @bob YES" in running
    assert query(database, "SELECT count(*) FROM identities WHERE identity = 'console:bob'") == [(1,)]
    assert console.stop() == 0

    sums = query(database, "SELECT member_id, sum(delta) FROM ledger GROUP BY member_id ORDER BY 1")
    done = communitybot(workdir, "forget", "@bob", "--yes")
    assert done.returncode == 0, done.stderr
    assert "forgot @bob" in done.stdout
    assert query(database, "SELECT count(*) FROM identities WHERE identity = 'console:bob'") == [(0,)]
    named = "SELECT count(*) FROM members WHERE handle = 'bob' OR display_name = 'bob'"
    assert query(database, named) == [(0,)]
    assert query(database, "SELECT member_id, sum(delta) FROM ledger GROUP BY member_id ORDER BY 1") == sums
    assert unbalanced(database) == []
    assert "no member console:bob" in refusal(communitybot(workdir, "forget", "console:bob", "--yes"))
    assert "name a member" in refusal(communitybot(workdir, "forget", "bob", "--yes"))

    after = communitybot(workdir, "console", stdin="mod: TOP\n#general alice: thanks @bob again\n")
    assert after.returncode == 0, after.stderr
    assert "@bob" not in after.stdout.replace("I don't know @bob", "")
    assert "  1. @alice 4" in after.stdout  # a forgotten member has left: off the board, points kept
    kudos = query(database, "SELECT count(*) FROM ledger WHERE kind = 'kudos'")
    assert kudos == [(1,)]  # the one before the erasure, none after


def test_export_member_gives_their_data_and_never_an_anonymous_pick(workdir: Path) -> None:
    script = "\n".join(
        (
            "/join alice",
            "/join bob",
            'mod: POLL NEW "Next flavour?" | Mango | Yuzu | Cherry | 2d',
            'mod: POLL NEW "Tasting days?" | Friday | Saturday | Sunday | multiple 2 | named | 1d',
            "alice: VOTE 1 2",
            "alice: VOTE 2 1 3",
            "mod: AWARD @alice 4 for the mango idea",
            "bob: VOTE 1 1",
        )
    )
    assert communitybot(workdir, "console", stdin=script + "\n").returncode == 0
    output = workdir / "alice.json"
    result = communitybot(workdir, "export", "member", "console:alice", "--output", str(output))
    assert result.returncode == 0, result.stderr
    data = json.loads(output.read_text(encoding="utf-8"))
    assert [row["identity"] for row in data["identities"]] == ["console:alice"]
    assert data["profile"][0]["handle"] == "alice"
    votes = {row["question"]: row for row in data["votes"]}
    assert votes["Next flavour?"]["anonymous"] == 1 and votes["Next flavour?"]["picked"] is None
    assert votes["Next flavour?"]["voted_at"] is None
    assert votes["Tasting days?"]["picked"] == "Friday | Sunday"
    awarded = [row for row in data["ledger"] if row["kind"] == "award"]
    assert [(row["delta"], row["reason"], row["actor"]) for row in awarded] == [
        (4, "for the mango idea", "moderator")
    ]
    assert sum(row["delta"] for row in data["ledger"]) == data["profile"][0]["balance"]
    assert "bob" not in output.read_text(encoding="utf-8")  # nothing of another member's
    assert {"rsvps", "submissions", "ideas", "redemptions", "nps_answers", "circles"} <= set(data)

    to_stdout = communitybot(workdir, "export", "member", "@alice")
    assert to_stdout.returncode == 0 and json.loads(to_stdout.stdout)["votes"] == data["votes"]
    assert "no member @carol" in refusal(communitybot(workdir, "export", "member", "@carol"))
    assert communitybot(workdir, "export", "member").returncode == 2  # argparse: a member is needed


def test_restore_goes_ahead_when_the_lease_holder_was_killed(workdir: Path, console: Console) -> None:
    """A bot killed with SIGKILL leaves its lease behind, unexpired: its process is gone, so no bot runs."""
    copy = workdir / "copy.db"
    assert communitybot(workdir, "backup", str(copy)).returncode == 0
    console.process.kill()
    console.process.wait()
    console.out.close()
    assert query(console.database, "SELECT count(*) FROM scheduler_lease") == [(1,)]
    result = communitybot(workdir, "restore", str(copy))
    assert result.returncode == 0, result.stderr
    assert len(list((workdir / "data").glob("bot.db.*.bak"))) == 1


def test_restore_puts_back_a_database_that_no_longer_opens(workdir: Path) -> None:
    assert communitybot(workdir, "console", stdin="/join alice\n").returncode == 0
    copy = workdir / "copy.db"
    assert communitybot(workdir, "backup", str(copy)).returncode == 0
    database = workdir / "data" / "bot.db"
    database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    result = communitybot(workdir, "restore", str(copy))
    assert result.returncode == 0, result.stderr
    assert query(database, "SELECT handle FROM members") == [("alice",)]
