-- Every append inserts into the unique (persistence_id, sequence_nr) and looks entities up in it. Ids are identifiers,
-- never sorted for people; compared byte by byte instead of by the database's collation (a strcoll call per comparison
-- under en_US.UTF-8, say). Byte order is also the ordinal order a batch sorts its rows in before it inserts them, so
-- the lock order between batches is the index's own. The index is rebuilt.
ALTER TABLE journal ALTER COLUMN persistence_id TYPE text COLLATE "C";
