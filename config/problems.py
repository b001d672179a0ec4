"""Turns pydantic's validation errors into `key.path: reason` lines an admin can act on."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails


class ConfigError(Exception):
    """The configuration is invalid; `problems` lists every `key.path: reason`."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems


def reason(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "extra_forbidden":
        return "unknown key (check the spelling against community.example.toml)"
    if kind == "missing":
        return "is required"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}
        limit = next(iter(ctx.values()), "?")
        return f"must be {sign[kind]} {limit}"
    if kind == "string_pattern_mismatch":
        return f"has the wrong form (expected pattern {ctx.get('pattern')})"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"][0].lower() + error["msg"][1:]


def describe(error: ValidationError, prefix: tuple[str | int, ...] = ()) -> list[str]:
    lines = []
    for item in error.errors():
        loc = [*prefix, *item["loc"]]
        path = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
        lines.append(f"{path or '(top level)'}: {reason(item)}")
    return lines
