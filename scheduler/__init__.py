"""Runs the core's scheduled jobs: on real time with APScheduler, or stepwise on the console's clock."""
