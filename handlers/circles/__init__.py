"""Circles: small groups whose members chat across platforms. Twilio's WhatsApp has no groups, so a member's
messages to the bot are passed on, by the bot's one sender, to the circle's other members and to its bridged
Discord channel, and back, inside WhatsApp's window rules (outside it, one notice a period and a catch-up)."""

from handlers.bridge import BRIDGE
from handlers.circles import _bridge as bridge
from handlers.circles import _relay as relay
from handlers.circles._commands import commands
from handlers.circles._ports import CIRCLES
from handlers.circles._settings import CircleEntry, CircleSettings
from handlers.circles._state import NOTICE_JOB, Circles, build, drain, start
from handlers.feature import Feature, Hooks, JobKind, provide
from handlers.settings import ConfigSection
from handlers.timers import CatchUp

FEATURE: Feature[Circles] = Feature(
    name="circles",
    build=build,
    sections=(ConfigSection("circle", CircleSettings), ConfigSection("circles", CircleEntry, many=True)),
    requires=("members", "points", "consent"),
    repositories=(CIRCLES,),
    provides=(provide(BRIDGE, bridge.Bridge),),
    commands=commands,
    hooks=Hooks(
        chat=(lambda circles: lambda message: relay.channel_chat(circles, message),),
        gates=(relay.gate,),
        unmatched=(relay.typed,),
        start=(start,),
        drain=(drain,),
    ),
    jobs=(JobKind(NOTICE_JOB, bridge.notice, catch_up=CatchUp.LATE),),
)
