#!/usr/bin/env bash
# Sets up the host and runs every test tier, the same way CI does (.ci/run calls this script):
#   1. scripts/install-deps.sh (apt packages, npm ci, build)
#   2. scripts/start-postgres.sh (PostgreSQL for the store, integration and e2e tests)
#   3. npm run check, part by part: typecheck, lint, format check, unit tests (store tests also run
#      on PostgreSQL, because TEST_PG_URL is set, as STYLE.md 3.6 asks of CI)
#   4. integration tests on SQLite, then on PostgreSQL (TEST_PG_URL)
#   5. e2e tests on SQLite, then the e2e identity tests on PostgreSQL (NUAGE_TEST_DATABASE_URL; the
#      harness creates a fresh database per server start and drops it afterwards)
# Every stage runs even if an earlier one failed, so one run shows everything; the exit status is
# non-zero if any stage failed. The last line is "N passed, N failed", summed over all vitest runs.
#
# Usage: sudo bash scripts/test.sh
#   NUAGE_TEST_SKIP_INSTALL=1 skips step 1 (for quick local re-runs on a machine already set up;
#   then run `npm run build` yourself first, since the e2e tests start dist/ through bin/nuage).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

reports="$(mktemp -d "${TMPDIR:-/tmp}/nuage-test-reports.XXXXXX")"
trap 'rm -rf "$reports"' EXIT

total_passed=0
total_failed=0
failed_stages=0
summaries=()

banner() { printf '\n==== %s ====\n' "$*"; }

# Records a stage's outcome. $1 name, $2 exit status, $3 seconds, $4 optional counts text.
record() {
  local name="$1" status="$2" seconds="$3" counts="${4:-}" verdict="ok"
  if [ "$status" -ne 0 ]; then
    verdict="FAILED (exit $status)"
    failed_stages=$((failed_stages + 1))
  fi
  local line
  line="$(printf 'stage %-30s %s%s, %ss' "$name:" "$verdict" "${counts:+, $counts}" "$seconds")"
  summaries+=("$line")
  printf '%s\n' "$line"
}

# Prints "<passed> <failed> <broken files>" from a vitest JSON report, or "0 0 0" if there is none.
# A broken file failed outside any test (import error, failing beforeAll): its tests are skipped, so
# it counts as one failed test, or a red run could end with "0 failed".
vitest_counts() {
  node -e '
    const fs = require("fs");
    try {
      const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      const broken = (r.testResults ?? []).filter(
        (f) => f.status === "failed" && !(f.assertionResults ?? []).some((t) => t.status === "failed"),
      ).length;
      console.log(`${r.numPassedTests ?? 0} ${(r.numFailedTests ?? 0) + broken} ${broken}`);
    } catch {
      console.log("0 0 0");
    }' "$1"
}

# Runs a command that ends in a vitest invocation, adding the JSON reporter, and records the stage.
# $1 stage name, $2 report file, rest: the command (vitest arguments are appended by the caller).
vitest_stage() {
  local name="$1" report="$2"
  shift 2
  banner "$name"
  local start status passed failed broken
  start=$(date +%s)
  "$@"
  status=$?
  read -r passed failed broken < <(vitest_counts "$report")
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  local note=""
  if [ "$broken" -gt 0 ]; then note=" ($broken file(s) failed outside tests)"; fi
  if [ "$status" -eq 0 ] && [ ! -f "$report" ]; then
    record "$name" 0 $(($(date +%s) - start)) "no vitest report"
  else
    record "$name" "$status" $(($(date +%s) - start)) "$passed passed, $failed failed$note"
  fi
}

reporter_args() {
  printf '%s\n' --reporter=default --reporter=json "--outputFile.json=$1"
}

finish() {
  printf '\n==== summary ====\n'
  printf '%s\n' "${summaries[@]}"
  printf '%d passed, %d failed\n' "$total_passed" "$total_failed"
  if [ "$failed_stages" -gt 0 ] || [ "$total_failed" -gt 0 ]; then
    exit 1
  fi
  exit 0
}

# --- 1. host set-up -----------------------------------------------------------------------------
if [ "${NUAGE_TEST_SKIP_INSTALL:-}" != "1" ]; then
  banner "install-deps"
  start=$(date +%s)
  bash scripts/install-deps.sh
  status=$?
  record "install-deps" "$status" $(($(date +%s) - start))
  [ "$status" -eq 0 ] || finish
fi

# --- 2. PostgreSQL ------------------------------------------------------------------------------
banner "postgres"
start=$(date +%s)
pg_url="$(bash scripts/start-postgres.sh --reset | tail -n 1)"
status=$?
if [ "$status" -eq 0 ] && [[ "$pg_url" != postgres://* ]]; then status=1; fi
record "postgres" "$status" $(($(date +%s) - start)) "${pg_url:+$pg_url}"
[ "$status" -eq 0 ] || pg_url=""

# Without PostgreSQL the PG stages cannot run; they count as failed so CI notices.
pg_stage() {
  local name="$1"
  shift
  if [ -z "$pg_url" ]; then
    banner "$name"
    record "$name" 1 0 "skipped: PostgreSQL did not start"
    return
  fi
  bash scripts/start-postgres.sh --reset >/dev/null || {
    record "$name" 1 0 "could not reset nuage_test"
    return
  }
  "$@"
}

# --- 3. npm run check (typecheck, lint, format, unit) -------------------------------------------
# `check` is a chain `npm run a && npm run b && …`. Its parts run one by one here, so a lint error
# does not hide the unit results; `test:unit` gets the JSON reporter (arguments after `--` reach
# vitest). If the script ever takes another shape, it runs as a whole.
mapfile -t check_parts < <(node -e '
  const parts = require("./package.json").scripts.check.split("&&").map((p) => p.trim());
  if (parts.every((p) => /^npm run [\w:-]+$/.test(p))) parts.forEach((p) => console.log(p.slice(8)));')
unit_env=(env -u TEST_PG_URL)
unit_label="sqlite"
if [ -n "$pg_url" ] && bash scripts/start-postgres.sh --reset >/dev/null; then
  unit_env=(env TEST_PG_URL="$pg_url")
  unit_label="sqlite+pg"
fi
if [ "${#check_parts[@]}" -eq 0 ]; then
  vitest_stage "check" "$reports/unit.json" "${unit_env[@]}" npm run check
else
  for part in "${check_parts[@]}"; do
    if [ "$part" = "test:unit" ]; then
      mapfile -t args < <(reporter_args "$reports/unit.json")
      vitest_stage "check: $part ($unit_label)" "$reports/unit.json" "${unit_env[@]}" npm run "$part" -- "${args[@]}"
    else
      banner "check: $part"
      start=$(date +%s)
      npm run "$part"
      record "check: $part" $? $(($(date +%s) - start))
    fi
  done
fi

# --- 4. integration -----------------------------------------------------------------------------
mapfile -t args < <(reporter_args "$reports/integration-sqlite.json")
vitest_stage "integration (sqlite)" "$reports/integration-sqlite.json" \
  env -u TEST_PG_URL npx --no-install vitest run --project integration --passWithNoTests "${args[@]}"

mapfile -t args < <(reporter_args "$reports/integration-pg.json")
pg_stage "integration (postgres)" vitest_stage "integration (postgres)" "$reports/integration-pg.json" \
  env TEST_PG_URL="$pg_url" npx --no-install vitest run --project integration --passWithNoTests "${args[@]}"

# --- 5. e2e -------------------------------------------------------------------------------------
mapfile -t args < <(reporter_args "$reports/e2e-sqlite.json")
vitest_stage "e2e (sqlite)" "$reports/e2e-sqlite.json" \
  env -u NUAGE_TEST_DATABASE_URL npx --no-install vitest run --project e2e --passWithNoTests "${args[@]}"

mapfile -t args < <(reporter_args "$reports/e2e-identity-pg.json")
pg_stage "e2e identity (postgres)" vitest_stage "e2e identity (postgres)" "$reports/e2e-identity-pg.json" \
  env NUAGE_TEST_DATABASE_URL="$pg_url" npx --no-install vitest run --project e2e "${args[@]}" test/e2e/identity

finish
