"""Everything the dashboard shows a person comes from the `admin` catalogs: the templates name only keys
the catalogs have, write no words of their own, and every stored code a page labels has its label."""

from __future__ import annotations

import re

import pytest

from bot.admin.activity import IDEA_STATUSES
from bot.admin.charts import Chart, Series, nice_step, svg
from bot.admin.ledger import KINDS
from bot.admin.outbox import DELIVERY_STATES, WHATSAPP_STATES
from bot.admin.overview import SEGMENTS
from bot.formats import TEXTS
from handlers.i18n import LANGUAGES
from tests.conftest import ROOT

TEMPLATES = sorted((ROOT / "bot" / "admin" / "templates").glob("*.html"))
KEY = re.compile(r"""\bt\(\s*["'](admin\.[a-z0-9_]+)["']""")
STATES = {
    # the states each table stores (their CHECK constraints), shown through admin.state_*
    "polls": ("open", "closed", "cancelled"),
    "unlocks": ("open", "unlocked", "expired", "cancelled"),
    "challenges": ("open", "closed", "done"),
    "submissions": ("pending", "approved", "rejected"),
    "sessions": ("scheduled", "cancelled"),
    "rsvps": ("going", "waiting", "cancelled"),
    "issues": ("sent", "skipped"),
    "deliveries": DELIVERY_STATES,
    "outbox": WHATSAPP_STATES,
}


def test_the_templates_name_only_keys_the_catalogs_have() -> None:
    used = {key for path in TEMPLATES for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 100
    for language in LANGUAGES:
        assert sorted(used - TEXTS.keys(language)) == [], language


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_a_template_writes_no_words_of_its_own(path: object) -> None:
    text = path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    for attribute in re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', text):
        assert not re.search(r"[A-Za-z]", re.sub(r"{{.*?}}", "", attribute)), attribute
    bare = re.sub(r"{{.*?}}|{%.*?%}|{#.*?#}", " ", text, flags=re.DOTALL)
    bare = re.sub(r"<[^>]*>", " ", bare)
    words = re.findall(r"[A-Za-z]{2,}", bare)
    assert words == [], words


def test_every_stored_code_a_page_shows_has_its_label_in_every_language() -> None:
    labels = {
        "state": {state for states in STATES.values() for state in states},
        "idea": set(IDEA_STATUSES),
        "segment": set(SEGMENTS),
        "member": {"pending", "member", "left"},
        "kind": set(KINDS),
        "language": set(LANGUAGES),
    }
    for language in LANGUAGES:
        known = TEXTS.keys(language)
        missing = [f"admin.{group}_{code}" for group, codes in labels.items() for code in codes]
        assert [key for key in missing if key not in known] == [], language


def test_a_chart_draws_its_axes_lines_and_gaps() -> None:
    chart = Chart("c", "A <chart> & more", ["a", "b", "c", "d"], [Series("s", [1.0, None, 3.0, 4.0])])
    drawn = str(svg(chart, str))
    assert drawn.startswith("<svg") and "A &lt;chart&gt; &amp; more" in drawn
    assert drawn.count("<polyline") == 1 and drawn.count("<circle") == 1  # the lone first value is a dot
    assert nice_step(100) == 25 and nice_step(7) == 2
    stacked = str(
        svg(Chart("s", "t", ["a", "b"], [Series("x", [1, 2]), Series("y", [2, 2])], stacked=True), str)
    )
    assert stacked.count("<polygon") == 2
