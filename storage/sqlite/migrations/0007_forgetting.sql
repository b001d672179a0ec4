-- Forgetting a member (the right to erasure): the ledger stays append-only for amounts, kinds, sources and
-- times, but the texts that can identify a person (the reason a member wrote, the identity of whoever
-- caused an entry) may be erased, and only erased: to '' and NULL. Sums never change.
DROP TRIGGER ledger_is_append_only;

CREATE TRIGGER ledger_is_append_only BEFORE UPDATE OF id, community_id, delta, kind, source, created_at,
    month, reverses ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

CREATE TRIGGER ledger_texts_are_only_erased BEFORE UPDATE OF reason, actor_identity ON ledger
WHEN (NEW.reason IS NOT OLD.reason AND NEW.reason <> '')
    OR (NEW.actor_identity IS NOT OLD.actor_identity AND NEW.actor_identity IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'ledger texts can only be erased (when a member is forgotten)');
END;
