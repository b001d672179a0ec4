"""The `[shop]` section of `community.toml`: the items the community file defines."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from handlers.keys import ItemKey
from handlers.section import Section


class Fulfilment(StrEnum):
    CODES = "codes"
    MANUAL = "manual"


class ShopItemConfig(Section):
    key: ItemKey
    name: str = Field(min_length=1, max_length=80)
    cost: int = Field(ge=1, le=10_000_000)
    description: str = Field(default="", max_length=300)
    stock: int | None = Field(default=None, ge=0, le=1_000_000)
    """Omit for unlimited."""
    per_member_limit: int | None = Field(default=None, ge=1, le=1000)
    fulfilment: Fulfilment = Fulfilment.MANUAL
    codes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _codes_match_fulfilment(self) -> ShopItemConfig:
        if self.fulfilment is Fulfilment.CODES and not self.codes:
            raise ValueError("fulfilment = 'codes' needs a list of codes")
        if self.fulfilment is Fulfilment.MANUAL and self.codes:
            raise ValueError("codes are only used with fulfilment = 'codes'")
        if len(set(self.codes)) != len(self.codes):
            raise ValueError("codes must be unique")
        return self


class ShopConfig(Section):
    items: list[ShopItemConfig] = Field(default_factory=list)

    @field_validator("items")
    @classmethod
    def _unique_keys(cls, items: list[ShopItemConfig]) -> list[ShopItemConfig]:
        keys = [i.key for i in items]
        if len(set(keys)) != len(keys):
            raise ValueError("two items share a key")
        return items
