"""Read-only queries for the admin web dashboard (bot/admin): plain SQL, a page at a time, each on an index,
so a page costs the same at 100,000 members and 5,000,000 ledger entries as at a hundred. Nothing here
writes; the dashboard reaches these through the Protocols in `bot/admin/ports.py`."""
