"""The WhatsApp tests' fake Twilio API, for the crash suites here."""

from tests.bot.whatsapp.conftest import fake

__all__ = ["fake"]
