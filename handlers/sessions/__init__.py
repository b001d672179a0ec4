"""Founder sessions: a time, a place and a number of places; RSVPs with a waitlist that never overbooks,
reminders on each attendee's platform, a calendar file, and attendance credited once."""

from handlers.broadcast import BROADCASTS
from handlers.calendar import CALENDAR
from handlers.cancelling import CANCELLING
from handlers.feature import Feature, Hooks, JobKind, provide
from handlers.sessions import _announce as announce
from handlers.sessions import _attendance as attendance
from handlers.sessions import _jobs as jobs
from handlers.sessions._commands import Cancel, commands, on_leave
from handlers.sessions._digest import upcoming
from handlers.sessions._ports import SESSIONS
from handlers.sessions._settings import SessionsConfig
from handlers.sessions._state import ANNOUNCE, BEGIN, REMIND, Sessions, build
from handlers.settings import ConfigSection
from handlers.timers import CatchUp

FEATURE: Feature[Sessions] = Feature(
    name="sessions",
    build=build,
    sections=(ConfigSection("sessions", SessionsConfig),),
    requires=("members", "points"),
    repositories=(SESSIONS, BROADCASTS),
    provides=(
        provide(CALENDAR, lambda sessions: sessions),
        provide(CANCELLING, Cancel),
    ),
    commands=commands,
    hooks=Hooks(unmatched=(attendance.code_word,), left=(on_leave,), digest=(upcoming,)),
    jobs=(
        JobKind(
            REMIND,
            jobs.remind,
            catch_up=CatchUp.SKIP,
            grace=jobs.REMINDER_GRACE,
            describe=jobs.describe_reminder,
        ),
        JobKind(BEGIN, jobs.begin),
        JobKind(ANNOUNCE, announce.pages),
    ),
)
