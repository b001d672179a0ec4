"""Choices as components that keep working after a restart.

Every component is a `DynamicItem`: its `custom_id` carries what a click means (`cb:choice:<command>`),
so a click on a message sent weeks ago, before any number of restarts, is understood without any
stored view. The bot registers these classes once at start (`add_dynamic_items`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from handlers.models import Choice

if TYPE_CHECKING:
    from bot.discord.client import CommunityBot

log = logging.getLogger(__name__)

MAX_CUSTOM_ID = 100
MAX_BUTTONS = 5
"""Buttons in one row; past five choices a select menu, unless every choice is typed (a keypad)."""
MAX_OPTIONS = 25
MAX_BUTTON_LABEL = 80
MAX_OPTION_LABEL = 100
MAX_OPTION_VALUE = 100
CHOICE_ID = "cb:choice:"
ASK_ID = "cb:ask:"
PICK_ID = "cb:pick:"
SELECT_ID = "cb:select"
MAX_ANSWER = 300
"""What a form takes (a rejection's reason)."""


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fits(custom_id: str, limit: int) -> bool:
    """Whether the text can travel in a component id as is (one line, within Discord's limit)."""
    return len(custom_id) <= limit and "\n" not in custom_id


async def _run(interaction: discord.Interaction[Any], text: str) -> None:
    bot: CommunityBot = interaction.client
    await bot.run_choice(interaction, text)


class ChoiceButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cb:choice:(?P<command>.+)"):
    """A button whose click runs `command` for the person who clicked."""

    def __init__(self, command: str, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=_shorten(label, MAX_BUTTON_LABEL),
                style=discord.ButtonStyle.secondary,
                custom_id=CHOICE_ID + command,
            )
        )
        self.command = command

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ChoiceButton:
        label = getattr(item, "label", None) or match["command"]
        return cls(match["command"], label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _run(interaction, self.command)


class AskButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cb:ask:(?P<command>.+)"):
    """A button that asks for words first (a form), then runs `command` followed by them."""

    def __init__(self, command: str, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=_shorten(label, MAX_BUTTON_LABEL),
                style=discord.ButtonStyle.secondary,
                custom_id=ASK_ID + command,
            )
        )
        self.command = command
        self.label = label

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AskButton:
        return cls(match["command"], getattr(item, "label", None) or match["command"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: CommunityBot = interaction.client
        await interaction.response.send_modal(Ask(self.command, self.label, bot.asking(interaction)))


class Ask(discord.ui.Modal):
    """The form an AskButton opens: one line of words, then the command runs with them."""

    def __init__(self, command: str, title: str, prompt: str) -> None:
        super().__init__(title=_shorten(title, 45), timeout=15 * 60)
        self.command = command
        self.words: discord.ui.TextInput[Ask] = discord.ui.TextInput(
            label=_shorten(prompt, 45), max_length=MAX_ANSWER, custom_id="words"
        )
        self.add_item(self.words)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await _run(interaction, f"{self.command} {' '.join(self.words.value.split())}")


class PickButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cb:pick:(?P<index>[0-9]{1,2})"):
    """For a command too long for a custom_id: answers the clicker's pending choices by number."""

    def __init__(self, index: int, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=_shorten(label, MAX_BUTTON_LABEL),
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PICK_ID}{index}",
            )
        )
        self.index = index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PickButton:
        return cls(int(match["index"]), getattr(item, "label", None) or match["index"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _run(interaction, str(self.index))


class ChoiceSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"cb:select"):
    """More than five choices: a select menu whose option values carry the commands."""

    def __init__(self, options: list[discord.SelectOption]) -> None:
        super().__init__(
            # No placeholder of ours: Discord shows its own, in the reader's language.
            discord.ui.Select(custom_id=SELECT_ID, options=options, min_values=1)
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ChoiceSelect:
        options = list(getattr(item, "options", [])) or [discord.SelectOption(label="?", value="n:1")]
        return cls(options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        values = self.item.values
        if not values:
            return
        kind, _, value = values[0].partition(":")
        if kind == "a":  # words to ask for first: the option's label titles the form
            bot: CommunityBot = interaction.client
            label = next((o.label for o in self.item.options if o.value == values[0]), value)
            await interaction.response.send_modal(Ask(value, label, bot.asking(interaction)))
            return
        await _run(interaction, value)


DYNAMIC_ITEMS = (ChoiceButton, AskButton, PickButton, ChoiceSelect)


def choices_view(choices: Sequence[Choice]) -> discord.ui.View | None:
    """Buttons for up to five choices, a select menu beyond; typed choices (a 0-10 score) are buttons
    however many (up to 25), in even rows; None when there is nothing to choose."""
    if not choices:
        return None
    if len(choices) > MAX_OPTIONS:
        log.warning("%d choices offered: only the first %d are shown on Discord", len(choices), MAX_OPTIONS)
        choices = choices[:MAX_OPTIONS]
    view = discord.ui.View(timeout=None)
    keypad = len(choices) > MAX_BUTTONS and all(c.typed for c in choices)
    if len(choices) <= MAX_BUTTONS or keypad:
        rows = -(-len(choices) // MAX_BUTTONS)
        per_row = -(-len(choices) // rows)  # 11 scores: rows of 4, 4 and 3
        seen: set[str] = set()
        for index, choice in enumerate(choices, 1):
            fits = _fits(CHOICE_ID + choice.command, MAX_CUSTOM_ID) and choice.command not in seen
            seen.add(choice.command)
            button: discord.ui.Item[Any]
            if choice.ask is not None and fits:
                button = AskButton(choice.command, choice.label)
            else:
                button = (
                    ChoiceButton(choice.command, choice.label) if fits else PickButton(index, choice.label)
                )
            if keypad:
                button.row = (index - 1) // per_row
            view.add_item(button)
        return view
    options = []
    values: set[str] = set()
    for index, choice in enumerate(choices, 1):
        value = f"{'a' if choice.ask is not None else 'c'}:{choice.command}"
        if not _fits(value, MAX_OPTION_VALUE) or value in values:
            value = f"n:{index}"
        values.add(value)
        options.append(discord.SelectOption(label=_shorten(choice.label, MAX_OPTION_LABEL), value=value))
    view.add_item(ChoiceSelect(options))
    return view
