"""The kernel's part of the store: members and identities, choices, the inbox and the intake, jobs, the
WhatsApp outbox and windows, broadcasts; its migrations, and its steps for merging and forgetting members.
The kernel's repositories with a key (broadcasts) are built for the features that declare them."""

from __future__ import annotations

from storage.sqlite import broadcasts
from storage.sqlite.assembly import FeatureStorage

_IDENTITIES = "SELECT identity FROM identities WHERE community_id = :community AND member_id = :member"

_HANDLE = "(SELECT handle FROM members WHERE id = :member)"
_NAMED = "instr({text}, '@' || " + _HANDLE + ") > 0"
"""The text mentions them by handle (how every message names a member)."""
_NAMED_OR_CALLED = (
    _NAMED + " OR instr({text}, " + _HANDLE + ") > 0"
    # An empty or one-letter name would match every text: such a name is not looked for (NULL never matches).
    " OR instr({text}, (SELECT CASE WHEN length(display_name) >= 3 THEN display_name END"
    " FROM members WHERE id = :member)) > 0"
)
"""The text holds their handle or display name anywhere (what a message already sent keeps no more)."""


KERNEL = FeatureStorage(
    repositories=(broadcasts.BINDING,),
    migrations=(
        "0001_core",
        "0003_whatsapp",
        "0008_deliveries",
        "0009_deliveries_partial_indexes",
        "0010_member_language",
        "0011_intake",
        "0012_outbox_pending",
        "0014_live_posts",
        "0019_scheduler",
        "0021_broadcasts",
        "0025_dashboard",  # the admin dashboard's reads (storage/sqlite/admin/)
        "0027_identities_by_member",
    ),
    merge_steps=(
        # The target keeps the earliest join date and becomes a full member if either was one.
        "UPDATE members SET"
        " joined_at = min(joined_at, (SELECT joined_at FROM members WHERE id = :source)),"
        " status = CASE WHEN (SELECT status FROM members WHERE id = :source) = 'member'"
        "   THEN 'member' ELSE status END"
        " WHERE community_id = :community AND id = :target",
        "UPDATE identities SET member_id = :target WHERE community_id = :community AND member_id = :source",
        "UPDATE members SET status = 'left', left_at = :now, merged_into = :target"
        " WHERE community_id = :community AND id = :source",
        *broadcasts.MERGE_STEPS,
    ),
    forget_steps=(
        f"DELETE FROM intake WHERE community_id = :community AND identity IN ({_IDENTITIES})",
        f"DELETE FROM offered_choices WHERE community_id = :community AND identity IN ({_IDENTITIES})",
        # Handled event ids stay (a replayed message must still count once); whose they were goes.
        "UPDATE inbox SET identity = 'forgotten'"
        f" WHERE community_id = :community AND identity IN ({_IDENTITIES})",
        "DELETE FROM outbox_sends WHERE community_id = :community AND outbox_id IN"
        f" (SELECT id FROM outbox WHERE community_id = :community AND recipient IN ({_IDENTITIES}))",
        f"DELETE FROM outbox WHERE community_id = :community AND recipient IN ({_IDENTITIES})",
        f"DELETE FROM whatsapp_windows WHERE community_id = :community AND identity IN ({_IDENTITIES})",
        # Messages to them lose their words and are addressed to the member (no identity) from now on.
        'UPDATE deliveries SET payload = \'{"text": ""}\', member_id = :member, recipient = NULL'
        f" WHERE community_id = :community AND (member_id = :member OR recipient IN ({_IDENTITIES}))",
        # Messages to others that name them (a kudos notice, an introduction post, a moderators' queue line)
        # lose their words as well; those still waiting are not sent (there is no one to name any more).
        f"UPDATE deliveries SET state = CASE WHEN state = 'pending' AND {_NAMED.format(text='payload')}"
        " THEN 'withheld' ELSE state END, payload = '{\"text\": \"\"}'"
        f" WHERE community_id = :community AND ({_NAMED_OR_CALLED.format(text='payload')})",
        f"UPDATE outbox SET state = CASE WHEN state = 'pending' AND {_NAMED.format(text='body')}"
        " THEN 'skipped' ELSE state END, body = '', content_variables = NULL"
        f" WHERE community_id = :community AND ({_NAMED_OR_CALLED.format(text='body')})",
        "DELETE FROM identities WHERE community_id = :community AND member_id = :member",
        "UPDATE members SET handle = 'forgotten' || id, display_name = 'forgotten member', status = 'left',"
        " left_at = coalesce(left_at, :now), language = NULL, timezone = NULL"
        " WHERE community_id = :community AND id = :member",
    ),
)

IDENTITIES_OF_MEMBER = _IDENTITIES
"""The member's identities, for features' forget steps (they run while the identities still exist)."""
