#!/usr/bin/env python3
"""A log line's insert on the engine's schema, the statement before and after it stopped reading job_logs through an
INSERT ... SELECT (which SQLite copies through a temporary B-tree per statement): CPU time per line, 2,000 jobs with
10 lines each, one transaction per 2,000 lines, through Python's sqlite3 module (its own cost per statement included).

    python3 bench/sqlite-floor/logline.py
"""
import os, sqlite3, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import floor
old = """INSERT INTO job_logs (job_id, number, attempt, at, level, message)
SELECT :job_id, COALESCE((SELECT MAX(number) FROM job_logs WHERE job_id = :job_id), 0) + 1, :attempt, :at, :level, :message
WHERE EXISTS (SELECT 1 FROM jobs WHERE id = :job_id)"""
new = """INSERT OR IGNORE INTO job_logs (job_id, number, attempt, at, level, message)
VALUES ((SELECT id FROM jobs WHERE id = :job_id), COALESCE((SELECT MAX(number) FROM job_logs WHERE job_id = :job_id), 0) + 1, :attempt, :at, :level, :message)"""
def run(sql):
    d = tempfile.mkdtemp(); db = sqlite3.connect(os.path.join(d, "j.db"), isolation_level=None)
    for p in ["PRAGMA page_size = 16384", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA cache_size = -32768"]: db.execute(p)
    db.executescript(floor.schema())
    ids = ["job-%06d" % i for i in range(2000)]
    db.execute("BEGIN")
    for i in ids: db.execute("INSERT INTO jobs (id, tenant, type, queue, status, priority, scheduled_at, created_at, updated_at, fence, resources, version, state) VALUES (?, 'd', 't', 'q', 'running', 5, 0, 0, 0, 0, '[]', 1, '{}')", (i,))
    db.execute("COMMIT")
    st = time.process_time(); n = 0
    for r in range(10):
        db.execute("BEGIN IMMEDIATE")
        for i in ids: db.execute(sql, {"job_id": i, "attempt": 1, "at": r, "level": "info", "message": "a line of about sixty characters logged by a handler"}); n += 1
        db.execute("COMMIT")
    t = (time.process_time() - st) / n * 1e6
    assert db.execute("SELECT count(*), max(number) FROM job_logs").fetchone() == (n, 10)
    return t
print(f"SQLite {sqlite3.sqlite_version}")
for k in range(3):
    print(f"INSERT ... SELECT {run(old):.1f} us/line   VALUES {run(new):.1f} us/line")
