"""Persistence: the only package with SQL. `storage.sqlite` is the embedded default."""
