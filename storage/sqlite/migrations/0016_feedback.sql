-- Product feedback: members' ideas with their status, and one backing per member and idea (the primary
-- key). The backers' count is kept by triggers so IDEAS orders by it without counting.

CREATE TABLE ideas (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'planned', 'shipped', 'declined')),
    note TEXT,
    backers INTEGER NOT NULL DEFAULT 0,
    changed_by INTEGER REFERENCES members (id),
    changed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ideas_most_backed ON ideas (community_id, backers DESC, id DESC)
    WHERE status IN ('new', 'planned');

CREATE TABLE idea_backers (
    idea_id INTEGER NOT NULL REFERENCES ideas (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    backed_at TEXT NOT NULL,
    PRIMARY KEY (idea_id, member_id)
) WITHOUT ROWID;
CREATE INDEX idea_backers_by_member ON idea_backers (member_id);

CREATE TRIGGER idea_backers_counted AFTER INSERT ON idea_backers
BEGIN
    UPDATE ideas SET backers = backers + 1 WHERE id = NEW.idea_id;
END;

CREATE TRIGGER idea_backers_uncounted AFTER DELETE ON idea_backers
BEGIN
    UPDATE ideas SET backers = backers - 1 WHERE id = OLD.idea_id;
END;
