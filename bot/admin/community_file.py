"""The community file as the dashboard edits it: a form made from the same model `check-config` validates
with (one field per setting that is a value or a list of values; tables of tables are edited as TOML), the
edits written into the file with tomlkit (its comments and layout kept), checked, and written atomically
beside a backup of the previous file."""

from __future__ import annotations

import enum
import hashlib
import os
import secrets
import stat
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import tomlkit
from pydantic import BaseModel

from config.community import validate_community
from config.problems import ConfigError
from handlers.i18n import Translator
from handlers.settings import CommunityConfig

Kind = Literal["text", "integer", "decimal", "bool", "choice", "lines", "numbers"]
FIXED = frozenset({"community.slug"})
"""Shown, never edited: every row in the database is scoped by the slug."""


@dataclass(frozen=True)
class Field:
    key: str
    """The key path, `points.activity.daily_cap`: also the form field's name."""
    kind: Kind
    value: str
    """As the form shows it (a list one item per line, a bool `true`/`false`, unset empty)."""
    choices: tuple[str, ...] = ()
    optional: bool = False
    fixed: bool = False


@dataclass(frozen=True)
class Group:
    key: str
    """The file's table (`points`)."""
    fields: tuple[Field, ...]
    elsewhere: tuple[str, ...]
    """Its keys that only the TOML text edits (lists of tables, tables of free keys)."""


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def shape(annotation: Any) -> tuple[Kind, tuple[str, ...], bool] | None:
    """How a field is edited: its kind, its choices and whether it may be left unset; None: as TOML only."""
    annotation, optional = _unwrap(annotation), False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(inner) != 1:
            return None
        annotation, optional = _unwrap(inner[0]), True
    origin = typing.get_origin(annotation)
    if annotation is bool:
        return "bool", ("true", "false"), optional
    if annotation is int:
        return "integer", (), optional
    if annotation is float:
        return "decimal", (), optional
    if annotation is str:
        return "text", (), optional
    if origin is Literal:
        return "choice", tuple(str(a) for a in typing.get_args(annotation)), optional
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "choice", tuple(str(m.value) for m in annotation), optional
    if origin is list:
        item = _unwrap(typing.get_args(annotation)[0])
        if item is str:
            return "lines", (), optional
        if item is int:
            return "numbers", (), optional
    return None


def shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, list):
        return "\n".join(shown(item) for item in value)
    return str(value)


def _fields(model: BaseModel, prefix: str) -> tuple[list[Field], list[str]]:
    fields, elsewhere = [], []
    for name, value in model:
        key, info = f"{prefix}{name}", type(model).model_fields[name]
        if isinstance(value, BaseModel):
            inner, other = _fields(value, key + ".")
            fields += inner
            elsewhere += other
            continue
        found = shape(info.annotation)
        if found is None:
            elsewhere.append(key)
            continue
        kind, choices, optional = found
        fields.append(Field(key, kind, shown(value), choices, optional, fixed=key in FIXED))
    return fields, elsewhere


def form(community: CommunityConfig) -> list[Group]:
    """Every table of the file with its fields, valued as `community` has them."""
    groups = []
    for name, value in community:
        if isinstance(value, BaseModel):
            fields, elsewhere = _fields(value, name + ".")
            groups.append(Group(name, tuple(fields), tuple(elsewhere)))
    return groups


def with_values(groups: list[Group], submitted: Mapping[str, str]) -> list[Group]:
    """The form as it was sent back (a refused edit shows what the admin typed)."""
    return [
        replace(g, fields=tuple(replace(f, value=submitted.get(f.key, f.value)) for f in g.fields))
        for g in groups
    ]


def _parsed(field: Field, text: str, t: Translator) -> tuple[Any, str | None]:
    """The value for the file (None: leave the key out) or the problem with what was typed."""
    text = text.replace("\r\n", "\n").strip() if field.kind != "text" else text.replace("\r\n", "\n")
    if not text.strip() and (field.optional or field.kind in ("lines", "numbers")):
        return ([] if field.kind in ("lines", "numbers") and not field.optional else None), None
    try:
        if field.kind == "integer":
            return int(text), None
        if field.kind == "decimal":
            return float(text.replace(",", ".")), None
        if field.kind == "numbers":
            return [int(line) for line in text.splitlines() if line.strip()], None
    except ValueError:
        return None, t("admin.config_not_a_number", key=field.key)
    if field.kind == "bool":
        return text == "true", None
    if field.kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()], None
    return text, None


def edited(
    text: str, groups: list[Group], submitted: Mapping[str, str], t: Translator
) -> tuple[str, list[str]]:
    """The file's text with every field the admin changed written into it; and what could not be read."""
    document = tomlkit.parse(text)
    problems = []
    for field in (f for g in groups for f in g.fields):
        if field.fixed or field.key not in submitted:
            continue
        given = submitted[field.key]
        if given.replace("\r\n", "\n").strip() == field.value.strip():
            continue  # unchanged: the file keeps what it had (a default stays unwritten)
        value, problem = _parsed(field, given, t)
        if problem is not None:
            problems.append(problem)
            continue
        *tables, last = field.key.split(".")
        table: Any = document
        for part in tables:
            if part not in table:
                table[part] = tomlkit.table()
            table = table[part]
        if value is None:
            table.pop(last, None)
        else:
            table[last] = value
    return tomlkit.dumps(document), problems


def version(text: str) -> str:
    """What the form was made from: a save refuses to overwrite a file that changed meanwhile."""
    return hashlib.sha256(text.encode()).hexdigest()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def check(text: str, source: str, slug: str) -> CommunityConfig:
    """`text` validated as `check-config` validates the file; the slug must stay the running one."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(source, [f"not valid TOML: {error}"]) from None
    community = validate_community(data, source)
    if community.community.slug != slug:
        raise ConfigError(
            source, [f"community.slug: cannot change once the bot has run (every row is kept under {slug!r})"]
        )
    return community


def write_atomically(path: Path, text: str) -> Path | None:
    """`text` as the file's whole new content, or the old content still: a crash leaves one or the other.
    The previous file is kept first as `<name>.bak` (returned; None when there was none)."""
    backup = None
    if path.exists():
        backup = path.with_name(path.name + ".bak")
        _replace(backup, path.read_bytes(), path)
    _replace(path, text.encode("utf-8"), path if path.exists() else None)
    return backup


def put_back(path: Path, text: str) -> None:
    """The file as it was before a save the bot could not apply (its backup is left as it is); none if
    there was none."""
    if not text:
        path.unlink(missing_ok=True)
        return
    _replace(path, text.encode("utf-8"), path if path.exists() else None)


def _replace(target: Path, data: bytes, mode_of: Path | None) -> None:
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if mode_of is not None:
            os.chmod(temporary, stat.S_IMODE(mode_of.stat().st_mode))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    folder = os.open(target.parent, os.O_DIRECTORY)
    try:
        os.fsync(folder)  # the rename itself survives a power cut
    finally:
        os.close(folder)
