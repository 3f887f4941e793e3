-- Every claim and every completion updates a job's row, and since the update changes indexed columns (status, lease)
-- PostgreSQL writes a new entry into every index of the table, each found by comparing keys: index inserts were a
-- third of the server's CPU while a node drained its queue. So the row keeps fewer indexes, with cheaper keys.

-- id is the key every write finds a row by; it becomes the primary key, and ordinal (the submission order, still the
-- tie-break every other index ends in) loses its own index, which no query seeks.
-- (Rebuilt below, once its column compares bytes.)
ALTER TABLE jobs DROP CONSTRAINT jobs_pkey, DROP CONSTRAINT jobs_id_key;

-- The next due time of a queue is read through jobs_claim, one seek per priority (JobIndexQueries.SelectNextDueAfter);
-- jobs_next_due duplicated that index for claimable rows.
DROP INDEX jobs_next_due;

-- Keys compared byte by byte: names and ids are identifiers, never sorted for people, and the database's collation
-- (en_US.UTF-8, say) made each comparison a strcoll call. Byte order is also the ordinal order the projection sorts a
-- batch's rows in before it locks them. The indexes on these columns are rebuilt.
ALTER TABLE jobs
    ALTER COLUMN id TYPE text COLLATE "C",
    ALTER COLUMN tenant TYPE text COLLATE "C",
    ALTER COLUMN idempotency_key TYPE text COLLATE "C",
    ALTER COLUMN type TYPE text COLLATE "C",
    ALTER COLUMN queue TYPE text COLLATE "C",
    ALTER COLUMN status TYPE text COLLATE "C",
    ALTER COLUMN lease_owner TYPE text COLLATE "C";
ALTER TABLE jobs ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);
ALTER TABLE job_logs ALTER COLUMN job_id TYPE text COLLATE "C";
ALTER TABLE queue_settings ALTER COLUMN name TYPE text COLLATE "C";
