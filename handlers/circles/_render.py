"""Circle texts made from values: a relayed line, its quote, the notice, the catch-up, the listing."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.circles._models import Circle, Membership, Message
from handlers.i18n import Translator


def quote(text: str, length: int) -> str:
    """The start of what a reply answers, on one line."""
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def relayed(t: Translator, message: Message, quoted: Message | None, length: int) -> str:
    """`alice #3: text` for a member who reads the circle by direct message (a reply quotes what it answers;
    a message with files says how many came with it)."""
    text = message.text
    if message.media:
        files = t("circles.files", count=message.media)
        text = f"{text}\n{files}" if text else files
    if quoted is None:
        return t("circles.relayed", name=message.sender_name, number=message.id, text=text)
    return t(
        "circles.relayed_reply",
        name=message.sender_name,
        number=message.id,
        to=quoted.sender_name,
        quote=quote(quoted.text, length),
        text=text,
    )


def posted(t: Translator, text: str, quoted: Message | None, length: int) -> str:
    """The words posted in the bridged channel (under the writer's name), after the quote of a reply."""
    if quoted is None:
        return text
    return t("circles.quote", to=quoted.sender_name, quote=quote(quoted.text, length)) + "\n" + text


def author(t: Translator, message: Message) -> str:
    """The name a bridged channel shows it under: the writer's, with its number (moderators remove by it)."""
    return t("circles.author", name=message.sender_name, number=message.id)


def notice(t: Translator, circle: Circle, count: int) -> str:
    return t("circles.notice", count=count, name=circle.name)


def catch_up(t: Translator, circle: Circle, lines: Sequence[str], rest: int) -> str:
    shown = [t("circles.catch_up_title", count=len(lines) + rest, name=circle.name), *lines]
    if rest:
        shown.append(t("circles.catch_up_more", count=rest))
    return "\n".join(shown)


def listing(t: Translator, circles: Sequence[Circle], mine: Sequence[Membership]) -> str:
    if not circles:
        return t("circles.none")
    current = mine[0].circle.id if mine else None
    joined = {m.circle.id for m in mine}
    lines = [t("circles.list_title")]
    for circle in circles:
        line = t("circles.list_line", name=circle.name, count=circle.members, size=circle.size)
        if circle.channel is not None:
            line += " " + t("circles.list_channel", channel=circle.channel)
        if circle.id == current:
            line += " " + t("circles.list_current")
        elif circle.id in joined:
            line += " " + t("circles.list_joined")
        lines.append(line)
    lines.append(t("circles.list_hint"))
    return "\n".join(lines)
