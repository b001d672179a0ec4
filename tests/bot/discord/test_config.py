"""The `[discord]` section: documented in the example file, and every mistake named with its key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.community import load_community
from config.problems import ConfigError
from tests.conftest import ROOT


def test_the_example_file_documents_and_loads_the_discord_section() -> None:
    community, from_file = load_community(ROOT / "community.example.toml")
    assert from_file
    example = (ROOT / "community.example.toml").read_text(encoding="utf-8")
    for key in type(community.discord).model_fields:
        assert f"\n{key} = " in example or f"[discord.{key}]" in example, key
    assert community.discord.channel_key(community.discord.channels["welcome"]) == "welcome"


def test_wrong_ids_and_keys_are_reported_with_their_path(tmp_path: Path) -> None:
    path = tmp_path / "community.toml"
    path.write_text(
        '[discord]\nmoderator_roles = [123]\ndm_fallback_channel = "Not A Key"\nawrd_emoji = "x"\n'
        '[discord.channels]\n"Big Room" = 334455667788990011\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as error:
        load_community(path)
    problems = "\n".join(error.value.problems)
    assert "discord.moderator_roles: 123 is not a Discord id: copy it with Developer Mode on" in problems
    assert "discord.dm_fallback_channel: has the wrong form" in problems
    assert "discord.awrd_emoji: unknown key" in problems
    assert "discord.channels: channel key 'Big Room' must be lowercase letters, digits, - or _" in problems
