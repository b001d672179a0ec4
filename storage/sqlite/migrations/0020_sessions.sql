-- Founder sessions: a time, a place and a number of places; one RSVP per member (the primary key), either a
-- place ('going') or a place on the waitlist ('waiting', in the order of `seq`), kept as 'cancelled' once
-- given up so that nothing is ever sent to them again. The database holds the invariants, whoever writes:
-- the places taken are counted by triggers and CHECKed against the capacity (two cancels and three
-- waiters, or any race, can never overbook), nobody takes a place ahead of someone waiting, and a
-- cancelled session takes no RSVP. `revision` grows with every move: the reminder jobs are keyed by it.

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    title TEXT NOT NULL,
    start TEXT NOT NULL,
    length_minutes INTEGER NOT NULL CHECK (length_minutes >= 1),
    place TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    channel TEXT NOT NULL,
    code TEXT NOT NULL,
    min_level INTEGER,
    min_points INTEGER,
    points INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0),
    announce INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'cancelled')),
    going INTEGER NOT NULL DEFAULT 0,
    waiting INTEGER NOT NULL DEFAULT 0 CHECK (waiting >= 0),
    revision INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES members (id),
    created_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    -- In the calendar file's address (/sessions/<id>-<key>.ics): ids are sequential, and a members-only
    -- session's link or place must not be read by anyone counting up.
    calendar_key TEXT NOT NULL DEFAULT (lower(hex(randomblob(12)))),
    CHECK (going >= 0 AND going <= capacity)
);
CREATE INDEX sessions_coming ON sessions (community_id, start) WHERE state = 'scheduled';

CREATE TABLE session_rsvps (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    state TEXT NOT NULL CHECK (state IN ('going', 'waiting', 'cancelled')),
    seq INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (session_id, member_id)
) WITHOUT ROWID;
CREATE INDEX session_rsvps_queue ON session_rsvps (session_id, state, seq);
CREATE INDEX session_rsvps_by_member ON session_rsvps (member_id);

CREATE TABLE session_attendance (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    marked_by INTEGER REFERENCES members (id),
    marked_at TEXT NOT NULL,
    PRIMARY KEY (session_id, member_id)
) WITHOUT ROWID;

CREATE TRIGGER session_rsvps_scheduled BEFORE INSERT ON session_rsvps
WHEN NEW.state != 'cancelled' AND (SELECT state FROM sessions WHERE id = NEW.session_id) != 'scheduled'
BEGIN
    SELECT RAISE (ABORT, 'session takes no RSVPs');
END;

CREATE TRIGGER session_rsvps_rescheduled BEFORE UPDATE OF state ON session_rsvps
WHEN OLD.state = 'cancelled' AND NEW.state != 'cancelled'
    AND (SELECT state FROM sessions WHERE id = NEW.session_id) != 'scheduled'
BEGIN
    SELECT RAISE (ABORT, 'session takes no RSVPs');
END;

-- A place goes to nobody ahead of those waiting: a new RSVP takes one only when no one waits, a waiter only
-- when no one waits before them.
CREATE TRIGGER session_rsvps_queue_first BEFORE INSERT ON session_rsvps
WHEN NEW.state = 'going'
    AND EXISTS (SELECT 1 FROM session_rsvps WHERE session_id = NEW.session_id AND state = 'waiting')
BEGIN
    SELECT RAISE (ABORT, 'the waitlist comes first');
END;

CREATE TRIGGER session_rsvps_queue_order BEFORE UPDATE OF state ON session_rsvps
WHEN NEW.state = 'going' AND OLD.state != 'going'
    AND EXISTS (
        SELECT 1 FROM session_rsvps
        WHERE session_id = NEW.session_id AND state = 'waiting' AND seq < NEW.seq AND member_id != NEW.member_id
    )
BEGIN
    SELECT RAISE (ABORT, 'the waitlist comes first');
END;

CREATE TRIGGER session_rsvps_counted AFTER INSERT ON session_rsvps
BEGIN
    UPDATE sessions SET going = going + (NEW.state = 'going'), waiting = waiting + (NEW.state = 'waiting')
    WHERE id = NEW.session_id;
END;

CREATE TRIGGER session_rsvps_recounted AFTER UPDATE OF state ON session_rsvps
WHEN OLD.state != NEW.state
BEGIN
    UPDATE sessions
    SET going = going + (NEW.state = 'going') - (OLD.state = 'going'),
        waiting = waiting + (NEW.state = 'waiting') - (OLD.state = 'waiting')
    WHERE id = NEW.session_id;
END;

CREATE TRIGGER session_rsvps_uncounted AFTER DELETE ON session_rsvps
BEGIN
    UPDATE sessions SET going = going - (OLD.state = 'going'), waiting = waiting - (OLD.state = 'waiting')
    WHERE id = OLD.session_id;
END;
