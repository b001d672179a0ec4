"""The newsletter and the editorial calendar: a weekly issue compiled from every feature's week, archived
and delivered in the announcements channel and to opted-in WhatsApp members; announcements scheduled once or
on a cron."""

from handlers.broadcast import BROADCASTS
from handlers.feature import Feature, Hooks, JobKind
from handlers.newsletter import _calendar as calendar
from handlers.newsletter import _issue as issue
from handlers.newsletter import _jobs as jobs
from handlers.newsletter._commands import commands
from handlers.newsletter._ports import NEWSLETTER
from handlers.newsletter._settings import AnnouncementsConfig, NewsletterConfig
from handlers.newsletter._state import (
    ANNOUNCE_JOB,
    ISSUE_JOB,
    PAGE_JOB,
    RECURRING_JOB,
    Newsletter,
    build,
    plan,
)
from handlers.settings import ConfigSection
from handlers.timers import CatchUp

FEATURE: Feature[Newsletter] = Feature(
    name="newsletter",
    build=build,
    sections=(
        ConfigSection("newsletter", NewsletterConfig),
        ConfigSection("announcements", AnnouncementsConfig),
    ),
    requires=("members",),
    repositories=(NEWSLETTER, BROADCASTS),
    commands=commands,
    hooks=Hooks(start=(plan,), digest=(issue.picks,)),
    jobs=(
        JobKind(ISSUE_JOB, jobs.weekly, catch_up=CatchUp.LATEST, describe=jobs.describe),
        JobKind(PAGE_JOB, jobs.page),
        JobKind(ANNOUNCE_JOB, calendar.run_once, catch_up=CatchUp.LATE, describe=calendar.describe),
        JobKind(RECURRING_JOB, calendar.run_recurring, catch_up=CatchUp.LATEST, describe=calendar.describe),
    ),
)
