-- PostgreSQL twin of storage/sqlite/migrations/0007_forgetting.sql: a forgotten member's texts in the ledger
-- may be erased (to '' and NULL), and only erased. The trigger is made again with fewer columns (its
-- function stays); the erasure rule needs no query, so it is the trigger's WHEN, as in SQLite.
DROP TRIGGER ledger_is_append_only ON ledger;

CREATE TRIGGER ledger_is_append_only BEFORE UPDATE OF id, community_id, delta, kind, source, created_at,
    month, reverses ON ledger
    FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();

CREATE FUNCTION ledger_texts_are_only_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger texts can only be erased (when a member is forgotten)'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER ledger_texts_are_only_erased BEFORE UPDATE OF reason, actor_identity ON ledger
    FOR EACH ROW
    WHEN ((NEW.reason IS DISTINCT FROM OLD.reason AND NEW.reason <> '')
        OR (NEW.actor_identity IS DISTINCT FROM OLD.actor_identity AND NEW.actor_identity IS NOT NULL))
    EXECUTE FUNCTION ledger_texts_are_only_erased();
