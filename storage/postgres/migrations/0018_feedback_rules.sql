-- PostgreSQL twin of storage/sqlite/migrations/0018_feedback_rules.sql: a member cannot back their own idea,
-- nor one that shipped or was declined.
-- When both hold, SQLite (latest trigger first) says 'idea is not open' and PostgreSQL (triggers by name)
-- says 'a member cannot back their own idea': either way the backing is refused.

CREATE FUNCTION idea_backers_not_own() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT member_id FROM ideas WHERE id = NEW.idea_id) = NEW.member_id THEN
        RAISE EXCEPTION 'a member cannot back their own idea' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER idea_backers_not_own BEFORE INSERT ON idea_backers
    FOR EACH ROW EXECUTE FUNCTION idea_backers_not_own();

CREATE FUNCTION idea_backers_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM ideas WHERE id = NEW.idea_id) NOT IN ('new', 'planned') THEN
        RAISE EXCEPTION 'idea is not open' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER idea_backers_open BEFORE INSERT ON idea_backers
    FOR EACH ROW EXECUTE FUNCTION idea_backers_open();
