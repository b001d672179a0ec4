"""The overview: the community's heartbeat from the daily roll-up (members, participation, NPS, segments),
as KPI cards and charts of the last 90 closed days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from aiohttp import web

from bot.admin.charts import Chart, Series, svg
from bot.admin.render import dashboard_of, render, translator
from handlers.i18n import Translator
from handlers.kpis import KpiDay, Kpis

DAYS = 90
RECENT = 30
"""Flows (joined, left, messages, referrals) on the cards are summed over this many days."""
NPS_CONFIDENT = 30
"""Fewer answers than this and the NPS is shown as indicative only."""
SEGMENTS = ("new", "active", "champion", "at_risk", "dormant")


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Nps:
    score: int | None
    answers: int
    promoters: int
    passives: int
    detractors: int


def nps_of(days: Sequence[KpiDay]) -> Nps:
    promoters = sum(d.nps_promoters for d in days)
    passives = sum(d.nps_passives for d in days)
    detractors = sum(d.nps_detractors for d in days)
    answers = promoters + passives + detractors
    score = round(100 * (promoters - detractors) / answers) if answers else None
    return Nps(score, answers, promoters, passives, detractors)


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def cards(t: Translator, month: Kpis) -> list[Card]:
    """The last 30 closed days, from the same period STATS month shows (handlers.kpis)."""
    days = t("admin.kpi_days", days=RECENT)
    if month.nps is None:
        nps_value, nps_note = "–", t("admin.nps_none")
    else:
        nps_value = f"{month.nps:+d}"
        nps_note = t("admin.nps_answers", count=month.nps_answers)
        if month.nps_answers < NPS_CONFIDENT:
            nps_note += " · " + t("admin.nps_indicative", least=NPS_CONFIDENT)
    change = month["members"] - month.members_before
    return [
        Card(
            t("admin.kpi_members"),
            t.number(month["members"]),
            t("admin.kpi_change", change=f"{change:+d}", days=RECENT),
        ),
        Card(t("admin.kpi_joined"), t.number(month["joined"]), days),
        Card(t("admin.kpi_left"), t.number(month["left"]), days),
        Card(
            t("admin.kpi_participation"),
            t("admin.percent", value=t.number(round(100 * (month.participation or 0)))),
            t("admin.kpi_active_7d", count=month["active_7d"]),
        ),
        Card(t("admin.kpi_nps"), nps_value, nps_note),
        Card(t("admin.kpi_referrals"), t.number(month.invited), days),
        Card(t("admin.kpi_messages"), t.number(month["messages"]), days),
        Card(t("admin.kpi_at_risk"), t.number(month["at_risk"]), t("admin.kpi_on", day=t.date(month.until))),
    ]


def weekly_nps(days: Sequence[KpiDay]) -> tuple[list[date], list[float | None], list[int]]:
    """Each week's NPS (None without answers) and answers, weeks starting on Monday."""
    weeks: dict[date, list[KpiDay]] = {}
    for day in days:
        weeks.setdefault(day.day - timedelta(days=day.day.weekday()), []).append(day)
    starts = sorted(weeks)
    found = [nps_of(weeks[start]) for start in starts]
    return starts, [None if n.score is None else float(n.score) for n in found], [n.answers for n in found]


def charts(t: Translator, days: Sequence[KpiDay]) -> list[tuple[Chart, list[list[str]]]]:
    """The charts with their data as table rows (a table of the same values for screen readers)."""
    labels = [t.date(d.day) for d in days]
    members = Chart(
        "members",
        t("admin.chart_members"),
        labels,
        [Series(t("admin.kpi_members"), [d.members for d in days])],
    )
    participation = Chart(
        "participation",
        t("admin.chart_participation"),
        labels,
        [
            Series(t("admin.series_active_7d"), [_percent(d.active_7d, d.members) for d in days]),
            Series(t("admin.series_active_30d"), [_percent(d.active_30d, d.members) for d in days]),
        ],
        ceiling=100,
    )
    starts, scores, answers = weekly_nps(days)
    nps = Chart(
        "nps",
        t("admin.chart_nps"),
        [t.date(s) for s in starts],
        [Series(t("admin.kpi_nps"), scores)],
        floor=-100,
        ceiling=100,
    )
    segments = Chart(
        "segments",
        t("admin.chart_segments"),
        labels,
        [Series(t(f"admin.segment_{s}"), [segment_count(d, s) for d in days]) for s in SEGMENTS],
        stacked=True,
    )
    number = t.number
    return [
        (members, [[label, number(d.members)] for label, d in zip(labels, days, strict=True)]),
        (
            participation,
            [
                [label, number(a or 0), number(b or 0)]
                for label, a, b in zip(
                    labels, participation.series[0].values, participation.series[1].values, strict=True
                )
            ],
        ),
        (
            nps,
            [
                [t.date(s), "–" if score is None else number(score), number(n)]
                for s, score, n in zip(starts, scores, answers, strict=True)
            ],
        ),
        (
            segments,
            [
                [label, *(number(segment_count(d, s)) for s in SEGMENTS)]
                for label, d in zip(labels, days, strict=True)
            ],
        ),
    ]


def segment_count(day: KpiDay, segment: str) -> int:
    """A day's count of one segment (the five are fields of the roll-up)."""
    return {
        "new": day.new,
        "active": day.active,
        "champion": day.champion,
        "at_risk": day.at_risk,
        "dormant": day.dormant,
    }[segment]


async def overview(request: web.Request) -> web.Response:
    dashboard = dashboard_of(request)
    t = translator(dashboard)
    today = dashboard.now().astimezone(dashboard.community().community.tz).date()
    until = today - timedelta(days=1)
    reads = dashboard.reads
    days = await dashboard.health().days(until - timedelta(days=DAYS - 1), until)
    periods = await dashboard.health().periods("month", dashboard.now())
    context: dict[str, object] = {"days": len(days)}
    if days and periods is not None:
        context["cards"] = cards(t, periods.now)
        context["charts"] = [(chart, svg(chart, t.number), rows) for chart, rows in charts(t, days)]
        context["headers"] = {
            "members": [t("admin.col_day"), t("admin.kpi_members")],
            "participation": [t("admin.col_day"), t("admin.series_active_7d"), t("admin.series_active_30d")],
            "nps": [t("admin.col_week"), t("admin.kpi_nps"), t("admin.col_answers")],
            "segments": [t("admin.col_day"), *(t(f"admin.segment_{s}") for s in SEGMENTS)],
        }
    else:
        context["counts"] = await reads.members.counts()
    return await render(request, "overview.html", "admin.overview_title", context)
