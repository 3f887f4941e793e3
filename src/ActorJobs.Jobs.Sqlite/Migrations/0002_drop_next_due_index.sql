-- The next due time of a queue is now read through jobs_claim, one seek per priority (JobIndexQueries.SelectNextDueAfter).
-- jobs_next_due duplicated that index for claimable rows, and every submit inserted into it and every claim deleted
-- from it, on the single writer whose work bounds the engine's throughput.
DROP INDEX IF EXISTS jobs_next_due;
