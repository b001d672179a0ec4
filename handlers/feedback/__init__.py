"""Product feedback: members' ideas, backed by others, triaged by moderators; everyone involved hears back."""

from handlers.feature import Feature, Hooks
from handlers.feedback import _digest as digest
from handlers.feedback._commands import commands
from handlers.feedback._ports import IDEAS
from handlers.feedback._settings import FeedbackConfig
from handlers.feedback._state import Feedback, build
from handlers.settings import ConfigSection

FEATURE: Feature[Feedback] = Feature(
    name="feedback",
    build=build,
    sections=(ConfigSection("feedback", FeedbackConfig),),
    requires=("members", "points"),
    repositories=(IDEAS,),
    commands=commands,
    hooks=Hooks(digest=(digest.week,)),
)
