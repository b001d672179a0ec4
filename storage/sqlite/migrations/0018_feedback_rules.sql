-- Product feedback's rules in the database itself (0016 already shipped, so they come as a migration of
-- their own): a member cannot back their own idea, nor one that shipped or was declined. Member merges
-- move backings with UPDATE and drop a merged member's backings of their own ideas in their merge steps.

CREATE TRIGGER idea_backers_not_own BEFORE INSERT ON idea_backers
WHEN (SELECT member_id FROM ideas WHERE id = NEW.idea_id) = NEW.member_id
BEGIN
    SELECT RAISE (ABORT, 'a member cannot back their own idea');
END;

CREATE TRIGGER idea_backers_open BEFORE INSERT ON idea_backers
WHEN (SELECT status FROM ideas WHERE id = NEW.idea_id) NOT IN ('new', 'planned')
BEGIN
    SELECT RAISE (ABORT, 'idea is not open');
END;
