"""The `[discord]` section of `community.toml`: which Discord roles and channels mean what to the bot.

Secrets and the server id are deployment settings (`COMMUNITYBOT_DISCORD__TOKEN`, `__GUILD_ID`); this
section only maps the community's own vocabulary (moderators, channel keys) onto ids in that server.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from handlers.keys import ChannelKey, is_channel_key
from handlers.section import Section

# Discord ids are 64-bit snowflakes: 17 to 20 digits for anything created since 2015.
SNOWFLAKE_MIN = 10**15
SNOWFLAKE_MAX = 2**63 - 1


def _check_snowflake(value: int) -> int:
    if not SNOWFLAKE_MIN <= value <= SNOWFLAKE_MAX:
        raise ValueError(
            f"{value} is not a Discord id: copy it with Developer Mode on (right click → Copy ID)"
        )
    return value


class DiscordCommunity(Section):
    admin_roles: list[int] = Field(default_factory=list)
    """Holders of any of these guild roles are admins of the bot (checked on every command)."""
    moderator_roles: list[int] = Field(default_factory=list)
    """Holders of any of these guild roles are moderators of the bot."""
    channels: dict[str, int] = Field(default_factory=dict)
    """Channel key (as the core and `[channels]` name them) -> Discord channel id."""
    dm_fallback_channel: ChannelKey = "welcome"
    """Channel key used to reach a member whose direct messages are closed."""

    @field_validator("admin_roles", "moderator_roles")
    @classmethod
    def _role_ids(cls, values: list[int]) -> list[int]:
        for value in values:
            _check_snowflake(value)
        return values

    @field_validator("channels")
    @classmethod
    def _channel_ids(cls, values: dict[str, int]) -> dict[str, int]:
        for key, value in values.items():
            if not is_channel_key(key):
                raise ValueError(f"channel key {key!r} must be lowercase letters, digits, - or _")
            _check_snowflake(value)
        return values

    def channel_key(self, channel_id: int) -> str | None:
        """The configured key of a channel id, if it has one."""
        for key, value in self.channels.items():
            if value == channel_id:
                return key
        return None
