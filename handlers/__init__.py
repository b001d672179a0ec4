"""The platform-neutral core: every feature lives here, no platform library is imported."""
