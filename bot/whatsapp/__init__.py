"""The WhatsApp adapter through Twilio: signed webhooks in, an outbox and Twilio's REST API out."""
