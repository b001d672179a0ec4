from __future__ import annotations

import pytest

from config.problems import ConfigError
from config.settings import load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("COMMUNITYBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_without_any_variable() -> None:
    settings = load_settings()
    assert str(settings.database_path) == "data/communitybot.db"
    assert settings.web.port == 8080
    assert not settings.has_platform_credentials


def test_nested_variables_and_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNITYBOT_DISCORD__TOKEN", "very-secret-token")
    monkeypatch.setenv("COMMUNITYBOT_WEB__PORT", "9000")
    settings = load_settings()
    assert settings.web.port == 9000
    assert settings.discord.token is not None
    assert settings.discord.token.get_secret_value() == "very-secret-token"
    assert "very-secret-token" not in repr(settings)
    assert "very-secret-token" not in str(settings.model_dump())
    assert settings.has_platform_credentials


def test_dotenv_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("COMMUNITYBOT_WEB__PORT=9100\n", encoding="utf-8")
    assert load_settings().web.port == 9100


def test_typos_and_bad_values_are_named_without_their_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNITYBOT_DISCORD__TOKNE", "leaky-secret")
    monkeypatch.setenv("COMMUNITYBOT_WEB__PORT", "99999")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    text = "\n".join(caught.value.problems)
    assert "COMMUNITYBOT_DISCORD__TOKNE: unknown setting" in text
    assert "COMMUNITYBOT_WEB__PORT: must be <= 65535" in text
    assert "leaky-secret" not in text
