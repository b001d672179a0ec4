"""The repositories' SQL, written once for SQLite, as PostgreSQL runs it.

The statements stay in one dialect (SQLite's, which every repository and its tests were written in) and are
rewritten here once each, when first run: `?` and `:name` placeholders become `$n`; `INSERT OR IGNORE` and
`INSERT OR REPLACE` become `ON CONFLICT` clauses (the conflict target taken from the table's primary key);
SQLite's planner hints (`NOT INDEXED`, `+column`) go; `LIKE` becomes `ILIKE` (SQLite's LIKE ignores ASCII
case, and the member search relies on it); `a IS b` becomes `a IS NOT DISTINCT FROM b`; a bare column in
an upsert's `DO UPDATE` is qualified. SQLite's functions the statements use (`instr`, two-argument `min`
and `max`, `json_extract`, `group_concat`, `json_group_array`, `sum` of a condition) exist in PostgreSQL as
the same-named functions storage/postgres/compat.sql creates, so a call needs no rewriting. A second copy
of every statement would let the two drift apart; a general SQL translator (sqlglot) would be a large
dependency for these few rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OR_CONFLICT = re.compile(
    r"\bINSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE
)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)", re.IGNORECASE)
_HINT = re.compile(r"\s+(?:NOT\s+INDEXED|INDEXED\s+BY\s+[A-Za-z_][A-Za-z0-9_]*)\b", re.IGNORECASE)
_LIKE = re.compile(r"\bLIKE\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_IS_VALUE = re.compile(r"\bIS\s+(NOT\s+)?(?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.IGNORECASE)
"""`a IS b` with a value (not NULL): SQLite's null-safe comparison, PostgreSQL's `IS [NOT] DISTINCT FROM`."""
_NULL_TEST = re.compile(r"\$(\d+)(\s+IS\s+(?:NOT\s+)?NULL\b)", re.IGNORECASE)
_PARAMETER = re.compile(r"\$(\d+)")
_UNARY_PLUS = re.compile(
    r"(^|[(,=<>]|\b(?:BY|WHERE|AND|OR|ON|SELECT|WHEN|THEN|ELSE|NOT)\b)(\s*)\+(?=[A-Za-z_])", re.IGNORECASE
)
"""`+column`: SQLite's way to keep an index out of a plan; in PostgreSQL `GROUP BY +x` is no `GROUP BY x`."""


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    key: tuple[str, ...]
    """The primary key's columns (the conflict target of INSERT OR IGNORE/REPLACE)."""
    identity: str | None
    """The column the database numbers (what SQLite's lastrowid is for an `INTEGER PRIMARY KEY`)."""


@dataclass(frozen=True)
class Statement:
    sql: str
    names: tuple[str, ...] | None
    """For `:name` placeholders: the names in `$n` order; None for `?` ones."""
    count: int
    """How many `?` placeholders (for positional parameters)."""
    table: str | None
    """The table an INSERT writes to."""
    null_tests: frozenset[int] = frozenset()
    """Parameters (0-based) used only as `$n IS NULL`: PostgreSQL cannot tell their type from that, so they
    are sent as text, and only whether they are NULL (all such a test reads)."""

    def arguments(self, params: Sequence[object] | Mapping[str, object]) -> Sequence[object]:
        if self.names is None:
            if isinstance(params, Mapping):
                raise TypeError("this statement has ? placeholders: pass a sequence")
            if len(params) != self.count:
                raise ValueError(f"the statement takes {self.count} parameters, {len(params)} given")
            values = list(params)
        else:
            if not isinstance(params, Mapping):
                raise TypeError("this statement has :name placeholders: pass a mapping")
            values = [params[name] for name in self.names]
        for index in self.null_tests:
            values[index] = None if values[index] is None else ""
        return values


def _split(sql: str) -> list[tuple[bool, str]]:
    """The statement as (is_code, text) pieces: string literals, quoted names and comments are not code."""
    pieces: list[tuple[bool, str]] = []
    start = position = 0
    length = len(sql)
    while position < length:
        char = sql[position]
        if char in "'\"":
            end = position + 1
            while True:
                end = sql.find(char, end)
                if end < 0:
                    raise ValueError(f"unterminated quote in: {sql}")
                if end + 1 < length and sql[end + 1] == char:  # a doubled quote stays inside
                    end += 2
                    continue
                break
            pieces.append((True, sql[start:position]))
            pieces.append((False, sql[position : end + 1]))
            start = position = end + 1
        elif sql.startswith("--", position):
            end = sql.find("\n", position)
            end = length if end < 0 else end
            pieces.append((True, sql[start:position]))
            pieces.append((False, " "))
            start = position = end
        else:
            position += 1
    pieces.append((True, sql[start:]))
    return [(code, text) for code, text in pieces if text]


def translate(sql: str, tables: Mapping[str, Table]) -> Statement:
    """`sql` (SQLite's dialect) as PostgreSQL runs it."""
    pieces = _split(sql)
    names: list[str] = []
    count = 0
    out: list[str] = []
    for code, text in pieces:
        if not code:
            out.append(text)
            continue
        text = _HINT.sub("", text)
        text = _LIKE.sub("ILIKE", text)
        text = _UNARY_PLUS.sub(r"\1\2", text)
        text = _IS_VALUE.sub(lambda m: "IS DISTINCT FROM " if m.group(1) else "IS NOT DISTINCT FROM ", text)
        rewritten: list[str] = []
        position = 0
        while position < len(text):
            char = text[position]
            if char == "?":
                count += 1
                rewritten.append(f"${count}")
                position += 1
            elif char == ":" and (position == 0 or text[position - 1] != ":"):
                word = _WORD.match(text, position + 1)
                if word is None or text.startswith("::", position):
                    rewritten.append(char)
                    position += 1
                    continue
                name = word.group()
                if name not in names:
                    names.append(name)
                rewritten.append(f"${names.index(name) + 1}")
                position = word.end()
            else:
                rewritten.append(char)
                position += 1
        out.append("".join(rewritten))
    if names and count:
        raise ValueError(f"a statement mixes ? and :name placeholders: {sql}")
    translated = "".join(out)
    table = None
    conflict = _OR_CONFLICT.search(translated)
    if conflict is not None:
        mode, table = conflict.group(1).upper(), conflict.group(2)
        translated = translated[: conflict.start()] + f"INSERT INTO {table}" + translated[conflict.end() :]
        translated = _on_conflict(translated, mode, tables.get(table), sql)
    inserting = _INSERT_INTO.match(translated)
    if inserting is not None:
        table = inserting.group(1)
        if table in tables:
            translated = _qualify_updates(translated, table, tables[table])
    code_only = "".join(text for is_code, text in _split(translated) if is_code)
    uses: dict[str, int] = {}
    for number in _PARAMETER.findall(code_only):
        uses[number] = uses.get(number, 0) + 1
    tests: dict[str, int] = {}
    for number, _ in _NULL_TEST.findall(code_only):
        tests[number] = tests.get(number, 0) + 1
    only = {number for number, found in tests.items() if uses[number] == found}
    if only:

        def cast(match: re.Match[str]) -> str:
            number, rest = match.group(1), match.group(2)
            return f"${number}::text{rest}" if number in only else match.group()

        translated = "".join(_NULL_TEST.sub(cast, t) if is_code else t for is_code, t in _split(translated))
    null_tests = frozenset(int(number) - 1 for number in only)
    return Statement(translated, tuple(names) if names else None, count, table, null_tests)


_DO_UPDATE = re.compile(r"\bDO\s+UPDATE\s+SET\b", re.IGNORECASE)


def _qualify_updates(sql: str, name: str, table: Table) -> str:
    """In `ON CONFLICT ... DO UPDATE SET a = a + excluded.a`, PostgreSQL reads a bare `a` on the right as
    ambiguous (the row or `excluded`); SQLite reads it as the row's. Qualify it: `a = t.a + excluded.a`."""
    found = _DO_UPDATE.search(sql)
    if found is None:
        return sql
    columns = re.compile(r"(?<![.\w$])(" + "|".join(map(re.escape, table.columns)) + r")\b(?!\s*\()")

    def qualify(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            before = text[: match.start()].rstrip()
            after = text[match.end() :].lstrip()
            assigned = after.startswith("=") and (before.endswith(",") or before.upper().endswith("SET"))
            return match.group() if assigned else f"{name}.{match.group()}"

        return columns.sub(one, text)

    head, tail = sql[: found.start()], sql[found.start() :]
    return head + "".join(qualify(text) if code else text for code, text in _split(tail))


def _on_conflict(sql: str, mode: str, table: Table | None, original: str) -> str:
    if mode == "IGNORE":
        clause = " ON CONFLICT DO NOTHING"
    else:
        if table is None or not table.key:
            raise ValueError(f"INSERT OR REPLACE needs a table with a primary key: {original}")
        inserting = _INSERT_INTO.match(sql)
        if inserting is None:
            raise ValueError(f"INSERT OR REPLACE needs its column list: {original}")
        columns = [c.strip() for c in inserting.group(2).split(",")]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in table.key)
        target = ", ".join(table.key)
        clause = f" ON CONFLICT ({target}) " + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING")
    returning = _RETURNING.search(sql)
    if returning is None:
        return sql.rstrip().rstrip(";") + clause
    return sql[: returning.start()].rstrip() + clause + " " + sql[returning.start() :]
