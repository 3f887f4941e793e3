-- The event journal: each entity's history, numbered 1, 2, 3, ... per persistence id.
-- UNIQUE (persistence_id, sequence_nr) is the last fence: no two writers can store the same event number,
-- even if one of them skipped the highest-number check.
CREATE TABLE journal (
    ordering       INTEGER PRIMARY KEY,          -- global write order, for queries across entities
    persistence_id TEXT    NOT NULL,
    sequence_nr    INTEGER NOT NULL,
    manifest       TEXT    NOT NULL,             -- the event type's stable name, never a CLR type name
    payload        BLOB    NOT NULL,
    written_at     INTEGER NOT NULL,             -- microseconds since the Unix epoch, UTC
    writer_id      TEXT    NULL,
    tags           TEXT    NULL,                 -- JSON array of strings, NULL when none
    deleted        INTEGER NOT NULL DEFAULT 0,   -- set only on an entity's highest event once deleted, which is kept so the number is never reused
    UNIQUE (persistence_id, sequence_nr)
);
