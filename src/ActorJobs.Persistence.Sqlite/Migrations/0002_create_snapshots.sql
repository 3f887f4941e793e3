-- Snapshots of entity state: at most one per (entity, sequence number).
CREATE TABLE snapshots (
    persistence_id TEXT    NOT NULL,
    sequence_nr    INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,             -- microseconds since the Unix epoch, UTC
    manifest       TEXT    NOT NULL,
    payload        BLOB    NOT NULL,
    PRIMARY KEY (persistence_id, sequence_nr)
) WITHOUT ROWID;
