#!/usr/bin/env python3
"""The single writer's floor per job on the engine's schema against a redesign, as floor.py measures it (WAL,
synchronous=FULL, 16 KB pages, 100 jobs per transaction, CPU time of this process less Python's own cost per
statement). Not a test and not the engine: a sketch of how much a schema change could take off the writer.

    python3 bench/sqlite-floor/redesign.py [--jobs 20000] [--rounds 3]

- current: as the migrations leave it. Submit numbers the entity, inserts its event and its row (into jobs_claim);
  claim and completion each insert an event and update the row, moving it between partial indexes.
- queue+lease: claimable jobs in a narrow table of their own (job_queue) and leases in another (job_leases); a claim
  deletes the job's queue entry and inserts its lease, leaving the row alone; a completion deletes the lease and
  updates the row once.
- queue+lease, no state rewrite: the same, with the completion not rewriting the row's state JSON.
"""
import argparse, sqlite3, os, tempfile, time, statistics, glob

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
def schema():
    files = sorted(glob.glob(os.path.join(ROOT, "src/ActorJobs.Persistence.Sqlite/Migrations/*.sql")))
    files += sorted(glob.glob(os.path.join(ROOT, "src/ActorJobs.Jobs.Sqlite/Migrations/*.sql")))
    return "\n".join(open(f).read() for f in files)
REDESIGN = """
DROP INDEX jobs_claim; DROP INDEX jobs_owned;
CREATE TABLE job_queue (queue TEXT NOT NULL, priority INTEGER NOT NULL, scheduled_at INTEGER NOT NULL, ordinal INTEGER NOT NULL,
  PRIMARY KEY (queue, priority DESC, scheduled_at, ordinal)) WITHOUT ROWID;
CREATE TABLE job_leases (ordinal INTEGER PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL, fence INTEGER NOT NULL);
"""
def rnd(jobs, variant):
    d=tempfile.mkdtemp(); db=sqlite3.connect(os.path.join(d,"j.db"), isolation_level=None)
    for p in ["PRAGMA page_size=16384","PRAGMA journal_mode=WAL","PRAGMA synchronous=FULL","PRAGMA cache_size=-32768","PRAGMA wal_autocheckpoint=5000"]: db.execute(p)
    db.executescript(schema())
    if variant != "current": db.executescript(REDESIGN)
    ids=["%032x"%(0x0190_0000_0000_0000_0000_0000_0000_0000+i) for i in range(jobs)]
    ordinal={j:n+1 for n,j in enumerate(ids)}
    state="x"*600; payload=b"y"*300; small=b"z"*120; t0=1_700_000_000_000_000
    event=("INSERT INTO journal (entity, sequence_nr, manifest, payload, written_at, writer_id, tags, deleted) VALUES (?, ?, ?, ?, ?, NULL, NULL, 0)")
    def run(stmts):
        # stmts: list of (sql, make) run per job inside 100-job transactions
        st=time.process_time()
        for b in range(0,len(ids),100):
            db.execute("BEGIN IMMEDIATE")
            for i in ids[b:b+100]:
                for sql, make in stmts: db.execute(sql, make(i))
            db.execute("COMMIT")
        return (time.process_time()-st)/len(ids)*1e6 - len(stmts)*noop
    f={}
    noop=0.0
    noop=run([("SELECT ?", lambda i:(i,))])
    insert_row=("INSERT INTO jobs (ordinal, id, tenant, type, queue, status, priority, scheduled_at, created_at, updated_at, fence, resources, version, state) "
                "VALUES (?, ?, 'default', 'noop', 'default', 'waiting', 5, ?, ?, ?, 0, '[]', 1, ?)", lambda i:(ordinal[i], i, t0, t0, t0, state))
    entity=("INSERT INTO journal_entities (entity, persistence_id) VALUES (?, ?)", lambda i:(ordinal[i], i))
    ev=lambda seq, m, p: (event, lambda i:(ordinal[i], seq, m, p, t0))
    update=("UPDATE jobs SET queue = 'default', status = ?, priority = 5, scheduled_at = ?, finished_at = ?, updated_at = ?, lease_owner = ?, lease_expires_at = ?, fence = ?, resources = '[]', version = ?, owner_requests = NULL, state = ? WHERE id = ?")
    if variant=="current":
        f["submit"]=run([entity, ev(1,"job.submitted",payload), insert_row])
        f["claim"]=run([ev(2,"job.claimed",small), (update, lambda i:("running",t0,None,t0,"node",t0+30_000_000,1,2,state,i))])
        f["complete"]=run([ev(3,"job.completed",small), (update, lambda i:("completed",t0,t0,t0,None,None,1,3,state,i))])
    else:
        q_ins=("INSERT INTO job_queue (queue, priority, scheduled_at, ordinal) VALUES ('default', 5, ?, ?)", lambda i:(t0, ordinal[i]))
        q_del=("DELETE FROM job_queue WHERE queue = 'default' AND priority = 5 AND scheduled_at = ? AND ordinal = ?", lambda i:(t0, ordinal[i]))
        l_ins=("INSERT INTO job_leases (ordinal, owner, expires_at, fence) VALUES (?, 'node', ?, 1)", lambda i:(ordinal[i], t0+30_000_000))
        l_del=("DELETE FROM job_leases WHERE ordinal = ?", lambda i:(ordinal[i],))
        f["submit"]=run([entity, ev(1,"job.submitted",payload), insert_row, q_ins])
        f["claim"]=run([ev(2,"job.claimed",small), q_del, l_ins])
        if variant=="queue+lease":
            f["complete"]=run([ev(3,"job.completed",small), l_del,
                               ("UPDATE jobs SET status = 'completed', finished_at = ?, updated_at = ?, fence = 1, version = 3, state = ? WHERE ordinal = ?", lambda i:(t0,t0,state,ordinal[i]))])
        else:  # the row keeps no state JSON of its own after submit: the events are the state
            f["complete"]=run([ev(3,"job.completed",small), l_del,
                               ("UPDATE jobs SET status = 'completed', finished_at = ?, updated_at = ?, version = 3 WHERE ordinal = ?", lambda i:(t0,t0,ordinal[i]))])
    return f
parser = argparse.ArgumentParser()
parser.add_argument("--jobs", type=int, default=20_000)
parser.add_argument("--rounds", type=int, default=3)
args = parser.parse_args()
variants=["current","queue+lease","queue+lease, no state rewrite"]
res={v:[] for v in variants}
for r in range(args.rounds):
    for v in variants:
        res[v].append(rnd(args.jobs, v))
print(f"SQLite {sqlite3.sqlite_version}, {args.jobs:,} jobs, {args.rounds} rounds alternated; CPU per job, medians:")
for v in variants:
    parts={k: statistics.median(x[k] for x in res[v]) for k in res[v][0]}
    print(f"{v:32} " + "  ".join(f"{k} {val:5.1f}" for k,val in parts.items()) + f"  total {sum(parts.values()):5.1f} us/job", flush=True)
