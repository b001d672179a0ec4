-- PostgreSQL twin of storage/sqlite/migrations/0014_live_posts.sql: where a post that changes was put, per
-- post key and platform.

CREATE TABLE live_posts (
    community_id BIGINT NOT NULL REFERENCES communities (id),
    board TEXT NOT NULL,
    platform TEXT NOT NULL,
    location TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, board, platform)
);
