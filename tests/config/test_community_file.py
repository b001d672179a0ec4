from __future__ import annotations

from pathlib import Path

import pytest

from config.community import load_community
from config.problems import ConfigError
from tests.conftest import ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "community.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_community(write(tmp_path, text))
    return caught.value.problems


def test_the_example_file_is_valid() -> None:
    config, from_file = load_community(ROOT / "community.example.toml")
    assert from_file
    assert config.community.name == "Acme Friends"
    assert config.community.timezone == "Europe/Paris"


def test_missing_file_means_built_in_defaults(tmp_path: Path) -> None:
    config, from_file = load_community(tmp_path / "absent.toml")
    assert not from_file
    assert config.community.timezone == "UTC"


def test_unknown_keys_are_errors_with_their_path(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, '[community]\nnmae = "x"\n[roels]\nadmins = []\n')
    assert any(p.startswith("community.nmae: unknown key") for p in problems)
    assert any(p.startswith("roels: unknown key") for p in problems)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        '[community]\ntimezone = "Mars/Olympus"\nslug = "Bad Slug"\n'
        '[roles]\nadmins = ["alice"]\n[channels]\nwelcome = 3\n',
    )
    paths = sorted(p.split(":")[0] for p in problems)
    assert paths == ["channels.welcome", "community.slug", "community.timezone", "roles.admins"]
    assert any("IANA name" in p for p in problems)
    assert any("not an identity" in p for p in problems)


def test_toml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "[community]\nname = \n")
    assert len(problems) == 1
    assert "line 2" in problems[0]


def test_configured_roles_resolve_per_identity() -> None:
    config, _ = load_community(ROOT / "community.example.toml")
    from handlers.models import Identity, Role

    assert config.roles.role_of(Identity.parse("console:alice")) is Role.ADMIN
    assert config.roles.role_of(Identity.parse("whatsapp:+15550001111")) is Role.MODERATOR
    assert config.roles.role_of(Identity.parse("console:zed")) is Role.MEMBER


def test_whatsapp_templates_are_for_kinds_of_message_sent_unasked(tmp_path: Path) -> None:
    path = tmp_path / "community.toml"
    path.write_text('[whatsapp.templates]\nnewsletters = "HX' + "a" * 32 + '"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_community(path)
    [problem] = error.value.problems
    assert problem.startswith(
        "whatsapp.templates: 'newsletters' is not a kind of message sent unasked: use one of"
    )
    assert "notice" in problem and "reply" not in problem.split("use one of")[1]
