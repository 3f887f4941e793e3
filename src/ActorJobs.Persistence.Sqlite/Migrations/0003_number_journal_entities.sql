-- Each entity gets a small number, and the journal's rows and unique key carry the number, not the text id.
-- Why: group commit adds one event to each of hundreds of entities, each at its own end of the (entity, sequence_nr)
-- key space, so a commit dirties index leaves all over the key and each goes to the WAL whole. With the text id in
-- the key an entry took 20 to 45 bytes; with the number it takes about 8, so a leaf holds three to five times as many
-- and a commit writes that much less (measured in README.md, Persistence, "Eighth session").
-- The fence is the same: UNIQUE (persistence_id) lets no two writers number one entity twice, and
-- UNIQUE (entity, sequence_nr) lets no two writers store the same event number.
CREATE TABLE journal_entities (
    entity         INTEGER PRIMARY KEY,          -- numbered in the order entities are first written
    persistence_id TEXT    NOT NULL UNIQUE
);

INSERT INTO journal_entities (persistence_id)
SELECT persistence_id FROM journal GROUP BY persistence_id ORDER BY MIN(ordering);

CREATE TABLE journal_numbered (
    ordering       INTEGER PRIMARY KEY,          -- global write order, for queries across entities
    entity         INTEGER NOT NULL,             -- journal_entities.entity
    sequence_nr    INTEGER NOT NULL,
    manifest       TEXT    NOT NULL,             -- the event type's stable name, never a CLR type name
    payload        BLOB    NOT NULL,
    written_at     INTEGER NOT NULL,             -- microseconds since the Unix epoch, UTC
    writer_id      TEXT    NULL,
    tags           TEXT    NULL,                 -- JSON array of strings, NULL when none
    deleted        INTEGER NOT NULL DEFAULT 0,   -- set only on an entity's highest event once deleted, which is kept so the number is never reused
    UNIQUE (entity, sequence_nr)
);

INSERT INTO journal_numbered (ordering, entity, sequence_nr, manifest, payload, written_at, writer_id, tags, deleted)
SELECT j.ordering, e.entity, j.sequence_nr, j.manifest, j.payload, j.written_at, j.writer_id, j.tags, j.deleted
FROM journal j JOIN journal_entities e ON e.persistence_id = j.persistence_id
ORDER BY j.ordering;

DROP TABLE journal;
ALTER TABLE journal_numbered RENAME TO journal;
