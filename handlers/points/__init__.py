"""Points ("community credits"): ledger, activity, kudos, awards, levels, leaderboards and the shop."""
