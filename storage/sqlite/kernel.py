"""The kernel's part of the store: members and identities, choices, the inbox and the intake, jobs, the
WhatsApp outbox and windows, broadcasts; its migrations, and its steps for merging and forgetting members.
The kernel's repositories with a key (broadcasts) are built for the features that declare them."""

from __future__ import annotations

from storage.sqlite import broadcasts
from storage.sqlite.assembly import FeatureStorage

_IDENTITIES = "SELECT identity FROM identities WHERE community_id = :community AND member_id = :member"

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
        'UPDATE deliveries SET payload = \'{"text": ""}\' WHERE community_id = :community'
        f" AND (member_id = :member OR recipient IN ({_IDENTITIES}))",
        "DELETE FROM identities WHERE community_id = :community AND member_id = :member",
        "UPDATE members SET handle = 'forgotten' || id, display_name = 'forgotten member', status = 'left',"
        " left_at = coalesce(left_at, :now) WHERE community_id = :community AND id = :member",
    ),
)

IDENTITIES_OF_MEMBER = _IDENTITIES
"""The member's identities, for features' forget steps (they run while the identities still exist)."""
