"""Onboarding: rules and acceptance, questions, introductions, referral codes and invites, nudges."""
