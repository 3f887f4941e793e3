-- jobs_owned's condition was "status IN ('running', 'suspending', 'resuming', 'canceling')". SQLite tests an IN list
-- of more than two constants against a temporary B-tree it builds for the statement, so every write of a job row
-- (a submit, a claim, a completion) built and tore down two of them on the single writer: about 6% of the CPU of a
-- drain. The same condition spelled as comparisons is tested in place. The queries that read through this index
-- repeat the condition word for word (JobIndexQueries.OwnedCondition), which is how SQLite matches a partial index.
DROP INDEX jobs_owned;
CREATE INDEX jobs_owned ON jobs (lease_expires_at)
    WHERE status = 'running' OR status = 'suspending' OR status = 'resuming' OR status = 'canceling';
