"""LINK: one person, one member across platforms.

`LINK` gives a short one-time code valid 10 minutes; `LINK <code>` sent from another platform joins that
identity to the member who asked for the code. When the sender already is a member, their member is merged
into the code's member (every feature's history and balances move over: storage's merge steps).
"""

from handlers.feature import Feature
from handlers.linking._commands import commands
from handlers.linking._linking import Linking, build
from handlers.linking._ports import LINK_CODES

FEATURE: Feature[Linking] = Feature(
    name="linking",
    build=build,
    requires=("members", "consent"),
    repositories=(LINK_CODES,),
    commands=commands,
)
