#!/usr/bin/env bash
# The test command. Runs every test project of the solution against a throwaway PostgreSQL (installed from Debian's
# packages and started by scripts/with-postgres.sh if needed) and prints one closing line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
# A test that hangs fails its assembly after HANG_TIMEOUT (default 10 minutes; no test comes near it) and the run names
# it ("The following test(s) were running ... when the hang occurred"), instead of the run waiting for CI's limit.
scripts/with-postgres.sh dotnet test ActorJobs.sln -c Release --nologo \
  --blame-hang-timeout "${HANG_TIMEOUT:-10m}" --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?

# dotnet test prints one summary per test assembly, e.g. "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12".
summary=$(grep -E '(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+' "$log" | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6; assemblies++ }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped; if (assemblies == 0) exit 1 }') || {
  echo "No test summary found: the test run did not complete." >&2
  [ "$status" -ne 0 ] || status=1
}
# A test host that was killed (a hang, see above) or crashed still prints the summary of the tests it finished, so
# its abort is counted apart: such a run fails whatever the counts say.
aborted=$(grep -c '^Test Run Aborted' "$log" || true)
if [ "$aborted" -gt 0 ]; then
  summary="$summary, $aborted test run(s) aborted"
  [ "$status" -ne 0 ] || status=1
fi
echo
echo "$summary"
exit "$status"
