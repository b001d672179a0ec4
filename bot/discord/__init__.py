"""The Discord adapter: slash commands from the registry, persistent buttons, events, roles, messages."""
