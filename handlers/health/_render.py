"""STATS as text: a period's KPIs, each with its change from the period before."""

from __future__ import annotations

from handlers.i18n import Translator
from handlers.kpis import Kpis, Segment


def percent(value: float | None) -> int | None:
    return None if value is None else round(100 * value)


def change(t: Translator, now: int | float | None, before: int | float | None, points: bool = False) -> str:
    """`↑ 12%` (counts: relative change), `↑ 3 pts` (rates: percentage points), `=`, or `new` when the
    period before had none."""
    if now is None or before is None:
        return t("health.change_none")
    if points:
        diff = round(now - before)
        if diff == 0:
            return t("health.change_same")
        key = "health.change_up_points" if diff > 0 else "health.change_down_points"
        return t(key, count=abs(diff))
    if before == 0:
        return t("health.change_same") if now == 0 else t("health.change_new")
    rel = round(100 * (now - before) / before)
    if rel == 0:
        return t("health.change_same")
    key = "health.change_up" if rel > 0 else "health.change_down"
    return t(key, percent=abs(rel))


def stats(t: Translator, now: Kpis, before: Kpis, name: str, inactive_days: int) -> str:
    lines = [
        t(
            f"health.stats_title_{name}",
            since=t.date(now.since),
            until=t.date(now.until),
        )
    ]
    if now.days < (now.until - now.since).days + 1:
        lines.append(t("health.stats_partial", count=now.days))
    growth, growth_before = percent(now.growth), percent(before.growth)
    members = {"members": now["members"], "joined": now["joined"], "left": now["left"]}
    if growth is None:
        lines.append(t("health.stats_members_plain", **members))
    else:
        change_of_growth = change(t, growth, growth_before, points=True)
        lines.append(t("health.stats_members", growth=t.number(growth), change=change_of_growth, **members))
    participation = percent(now.participation)
    lines.append(
        t(
            "health.stats_participation",
            percent=_shown(t, participation),
            active=now.active,
            change=change(t, participation, percent(before.participation), points=True),
        )
    )
    lines.append(
        t(
            "health.stats_activity",
            messages=now["messages"],
            messages_change=change(t, now["messages"], before["messages"]),
            kudos=now["kudos"],
            kudos_change=change(t, now["kudos"], before["kudos"]),
        )
    )
    lines.append(
        t(
            "health.stats_invites",
            count=now.invited,
            active=now["referrals_active"],
            change=change(t, now.invited, before.invited),
        )
    )
    lines.append(t("health.stats_churn", left=now["left"], inactive=now["inactive"], days=inactive_days))
    if now["cohort_size"]:
        lines.append(
            t("health.stats_retention", percent=_shown(t, percent(now.retention)), count=now["cohort_size"])
        )
    if now["polls_closed"]:
        lines.append(
            t(
                "health.stats_polls",
                votes=now["votes"],
                count=now["polls_closed"],
                turnout=_shown(t, percent(now.turnout)),
            )
        )
    else:
        lines.append(t("health.stats_polls_open", count=now["votes"]))
    lines.append(t("health.stats_submissions", count=now["submissions"]))
    if now["sessions_held"]:
        lines.append(
            t(
                "health.stats_sessions",
                count=now["sessions_held"],
                attended=now["session_attended"],
                going=now["session_going"],
                attendance=_shown(t, percent(now.attendance)),
            )
        )
    lines.append(t("health.stats_points", earned=now["points_earned"], redeemed=now["points_redeemed"]))
    if now["first_messages"]:
        lines.append(
            t(
                "health.stats_first_message",
                count=now["first_messages"],
                wait=t.duration(now["first_message_minutes"] * 60),
            )
        )
    if now.nps is not None:
        key = "health.stats_nps_few" if now.nps_answers < 30 else "health.stats_nps"
        lines.append(t(key, score=f"{now.nps:+d}", count=now.nps_answers))
    lines.append(
        t(
            "health.stats_segments",
            **{segment.value: now[segment.value] for segment in Segment},
        )
    )
    if now["winback_sent"]:
        lines.append(
            t(
                "health.stats_winback",
                count=now["winback_sent"],
                back=now["winback_returned"],
                percent=_shown(t, percent(now.winback_rate)),
            )
        )
    return "\n".join(lines)


def _shown(t: Translator, value: int | None) -> str:
    return t("health.not_available") if value is None else t.number(value)
