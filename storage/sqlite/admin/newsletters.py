"""The newsletter's archive for the dashboard: every issue, sent or skipped, newest first, and one whole."""

from __future__ import annotations

import json
from typing import Any

from storage.sql import Database
from storage.sqlite.admin.rows import PAGE, IssueRow, IssueText
from storage.sqlite.times import from_db

_ISSUE = "SELECT id, number, state, since, until, items, created_at FROM newsletter_issues"


def _issue(r: Any) -> IssueRow:
    return IssueRow(int(r[0]), r[1], str(r[2]), from_db(r[3]), from_db(r[4]), int(r[5]), from_db(r[6]))


class SqliteNewsletterReads:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def issues(self, offset: int = 0) -> list[IssueRow]:
        rows = await self.db.fetch_all(
            f"{_ISSUE} WHERE community_id = ? ORDER BY until DESC, id DESC LIMIT ? OFFSET ?",
            (self.community_id, PAGE + 1, offset),
        )
        return [_issue(r) for r in rows]

    async def issue(self, issue_id: int) -> IssueText | None:
        row = await self.db.fetch_one(
            "SELECT id, number, state, since, until, items, created_at, texts FROM newsletter_issues"
            " WHERE community_id = ? AND id = ?",
            (self.community_id, issue_id),
        )
        if row is None:
            return None
        texts = json.loads(row[7])
        return IssueText(_issue(row), {str(k): str(v) for k, v in texts.items()})
