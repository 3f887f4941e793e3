-- The event journal: each entity's history, numbered 1, 2, 3, ... per persistence id.
-- The unique (persistence_id, sequence_nr) is the fence between nodes: of two writers of one number, one loses.
CREATE TABLE journal (
    ordering       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- global write order, for queries across entities
    persistence_id text        NOT NULL,
    sequence_nr    bigint      NOT NULL,
    manifest       text        NOT NULL,             -- the event type's stable name, never a CLR type name
    payload        bytea       NOT NULL,
    written_at     timestamptz NOT NULL,
    writer_id      text        NULL,
    tags           text        NULL,                 -- JSON array of strings, NULL when none
    deleted        boolean     NOT NULL DEFAULT false, -- deleted events stay as blank rows, so every number up to the highest keeps its row and is never reused
    CONSTRAINT journal_persistence_id_sequence_nr_key UNIQUE (persistence_id, sequence_nr)
);
