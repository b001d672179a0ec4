"""Consent to proactive messages: the opt-in JOIN records, STOP (UNSUBSCRIBE, CANCEL alone) and START.

A proactive message is anything the person did not just ask for (newsletter, reminders, notices);
answers to their own messages are always allowed. Consent is per identity: STOP on WhatsApp stops
everything sent to that WhatsApp number at once.
"""

from handlers.audience import CONSENT
from handlers.consent._commands import commands
from handlers.consent._policy import ConsentPolicy, build, opt_in_on_join
from handlers.consent._ports import CONSENT_RECORDS
from handlers.feature import Feature, Hooks, provide

FEATURE: Feature[ConsentPolicy] = Feature(
    name="consent",
    build=build,
    requires=("members", "sessions"),  # CANCEL <session> is the sessions' (CANCELLING)
    repositories=(CONSENT_RECORDS,),
    provides=(provide(CONSENT, lambda policy: policy),),
    commands=commands,
    hooks=Hooks(joined=(opt_in_on_join,)),
)
