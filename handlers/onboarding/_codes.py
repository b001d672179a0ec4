"""Referral codes: stable and readable (`ALICE-7K3Q`), one per member, made the first time one is needed."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from handlers.context import Context
from handlers.keys import code_from_digest
from handlers.models import Member
from handlers.onboarding._ports import OnboardingRepository

SUFFIX = 4
PREFIX_MAX = 10
CODE_FORM = re.compile(r"^[A-Z0-9]{1,10}-[A-Z0-9]{4}$")


def candidate(slug: str, member: Member, attempt: int) -> str:
    """The member's handle and four characters derived from who they are, so the same member always gets
    the same first candidate (scripts and support can rely on it); later attempts only follow a clash."""
    prefix = re.sub(r"[^A-Z0-9]", "", member.handle.upper())[:PREFIX_MAX] or "MEMBER"
    digest = hashlib.sha256(f"{slug}:{member.id}:{attempt}".encode()).digest()
    return prefix + "-" + code_from_digest(digest, SUFFIX)


async def code_of(ctx: Context, repo: OnboardingRepository, member: Member) -> str:
    """The member's referral code, created on first use."""
    existing = await repo.code_of(member.id)
    if existing is not None:
        return existing
    attempt = 0
    while not await repo.add_code(
        member.id, code := candidate(ctx.config.community.slug, member, attempt), ctx.now
    ):
        attempt += 1
    return code


def normalise(typed: str) -> str:
    return typed.strip().upper()


def whatsapp_link(number: str | None, code: str) -> str | None:
    """`https://wa.me/<number>?text=JOIN%20<code>` for the configured WhatsApp sender, if any."""
    if not number:
        return None
    digits = re.sub(r"[^0-9]", "", number.removeprefix("whatsapp:"))
    return f"https://wa.me/{digits}?text={quote('JOIN ' + code)}" if digits else None
