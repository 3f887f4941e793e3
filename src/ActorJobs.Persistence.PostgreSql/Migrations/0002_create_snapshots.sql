-- Snapshots of entity state: at most one per (entity, sequence number).
CREATE TABLE snapshots (
    persistence_id text        NOT NULL,
    sequence_nr    bigint      NOT NULL,
    created_at     timestamptz NOT NULL,
    manifest       text        NOT NULL,
    payload        bytea       NOT NULL,
    PRIMARY KEY (persistence_id, sequence_nr)
);
