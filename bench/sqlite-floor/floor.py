#!/usr/bin/env python3
"""The SQLite floor under the job engine: the CPU time SQLite itself needs for the statements every job costs the
single writer (submit: its row's insert, its entity's number and its first event; claim and completion: a row update and an
event each),
on the engine's own schema (the migrations of src/ActorJobs.Jobs.Sqlite and src/ActorJobs.Persistence.Sqlite), WAL,
synchronous=FULL, 16 KB pages, 100 jobs per transaction, through Python's sqlite3 module. CPU time of this process
(fsync waits are not in it); the module's own cost per statement is measured with a no-op statement and taken off.

    python3 bench/sqlite-floor/floor.py [--jobs 50000] [--rounds 3]

Not a test: it prints the medians per statement and the rate that the writer alone would allow.
"""
import argparse, glob, os, sqlite3, statistics, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def schema():
    files = sorted(glob.glob(os.path.join(ROOT, "src/ActorJobs.Persistence.Sqlite/Migrations/*.sql")))
    files += sorted(glob.glob(os.path.join(ROOT, "src/ActorJobs.Jobs.Sqlite/Migrations/*.sql")))
    return "\n".join(open(f).read() for f in files)


def per_statement(db, rows, sql, make, batch=100):
    start = time.process_time()
    for b in range(0, len(rows), batch):
        db.execute("BEGIN IMMEDIATE")
        for r in rows[b:b + batch]:
            db.execute(sql, make(r))
        db.execute("COMMIT")
    return (time.process_time() - start) / len(rows) * 1e6


def one_round(jobs):
    directory = tempfile.mkdtemp(prefix="sqlite-floor-")
    db = sqlite3.connect(os.path.join(directory, "jobs.db"), isolation_level=None)
    db.execute("PRAGMA page_size = 16384")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA cache_size = -32768")
    db.execute("PRAGMA wal_autocheckpoint = 5000")
    db.executescript(schema())
    ids = ["%032x" % (0x0190_0000_0000_0000_0000_0000_0000_0000 + i) for i in range(jobs)]
    state = "x" * 600   # about a no-op job's row JSON
    payload = b"y" * 300  # about a job.submitted event
    small = b"z" * 120    # about a job.claimed or job.completed event
    t0 = 1_700_000_000_000_000
    # The journal's rows carry the entity's number (journal_entities); the writer keeps the numbers it assigned.
    entity = {job: n + 1 for n, job in enumerate(ids)}
    event = ("INSERT INTO journal (entity, sequence_nr, manifest, payload, written_at, writer_id, tags, deleted) "
             "VALUES (?, ?, ?, ?, ?, NULL, NULL, 0)")
    figures = {}
    figures["python, per statement"] = per_statement(db, ids, "SELECT ?", lambda i: (i,))
    figures["submit: entity insert"] = per_statement(db, ids, "INSERT INTO journal_entities (persistence_id) VALUES (?)", lambda i: (i,))
    figures["submit: event insert"] = per_statement(db, ids, event, lambda i: (entity[i], 1, "job.submitted", payload, t0))
    figures["submit: row insert"] = per_statement(
        db, ids,
        "INSERT INTO jobs (id, tenant, type, queue, status, priority, scheduled_at, created_at, updated_at, fence, resources, version, state) "
        "VALUES (?, 'default', 'noop', 'default', 'waiting', 5, ?, ?, ?, 0, '[]', 1, ?)",
        lambda i: (i, t0, t0, t0, state))
    update = ("UPDATE jobs SET queue = 'default', status = ?, priority = 5, scheduled_at = ?, finished_at = ?, updated_at = ?, "
              "lease_owner = ?, lease_expires_at = ?, fence = ?, resources = '[]', version = ?, owner_requests = NULL, state = ? WHERE id = ?")
    figures["claim: event insert"] = per_statement(db, ids, event, lambda i: (entity[i], 2, "job.claimed", small, t0))
    figures["claim: row update"] = per_statement(db, ids, update, lambda i: ("running", t0, None, t0, "node", t0 + 30_000_000, 1, 2, state, i))
    figures["completion: event insert"] = per_statement(db, ids, event, lambda i: (entity[i], 3, "job.completed", small, t0))
    figures["completion: row update"] = per_statement(db, ids, update, lambda i: ("completed", t0, t0, t0, None, None, 1, 3, state, i))
    db.close()
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rounds = [one_round(args.jobs) for _ in range(args.rounds)]
    overhead = statistics.median(r["python, per statement"] for r in rounds)
    print(f"SQLite {sqlite3.sqlite_version}, {args.jobs:,} jobs, {args.rounds} rounds; CPU time per statement, "
          f"median (range), less Python's own {overhead:.1f} us:")
    total = 0.0
    for name in rounds[0]:
        if name.startswith("python"):
            continue
        values = [r[name] - overhead for r in rounds]
        total += statistics.median(values)
        print(f"  {name:26} {statistics.median(values):6.1f} us  ({min(values):.1f}-{max(values):.1f})")
    print(f"  {'all seven, per job':26} {total:6.1f} us: the single writer alone allows at most {1e6 / total:,.0f} jobs/s end to end")


if __name__ == "__main__":
    main()
