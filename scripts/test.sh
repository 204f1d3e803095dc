#!/usr/bin/env bash
# Sets up the host and runs every test tier, the same way CI does (.ci/run calls this script):
#   0. preflight: root (the VM suites boot QEMU guests on the Linux data plane) — without it the run
#      fails at once with that reason, rather than going green without the VM suites
#   1. scripts/install-deps.sh (apt packages, npm ci, build), then a check that every tool the suites
#      drive is on the host
#   2. scripts/start-postgres.sh (PostgreSQL for the store, integration and e2e tests; a run without it
#      fails)
#   3. npm run check, part by part: typecheck, lint, format check, unit tests (store tests also run on
#      PostgreSQL, because TEST_PG_URL is set, as STYLE.md 3.6 asks of CI)
#   4. integration tests on SQLite, then on PostgreSQL (TEST_PG_URL); then the ceph stage: RBD tests
#      against a one-host Ceph cluster that the project's global setup starts (scripts/ceph-rig.sh)
#   5. e2e, fault and driver tests on SQLite, then the compute, volume, boot-from-volume and fault suites
#      again on PostgreSQL (NUAGE_TEST_DATABASE_URL; the harness creates a fresh database per server start); the web console
#      suites (test/e2e/console*.test.ts) drive Debian's Chromium: without it they fail, never skip
#   6. interop: the OpenStack interop guideline's Tempest tests against `nuage up` as it ships; the ones
#      in scripts/conformance/known-failures.txt (each with its reason) are reported but do not fail it
# A skipped test counts as a failed one, and a stage that runs no test fails. Every stage runs even if an
# earlier one failed, so one run shows everything; the exit status is non-zero if any stage failed. Each
# stage prints its time; the last line is "N passed, N failed, N skipped", summed over all stages.
#
# Usage: sudo bash scripts/test.sh
#   NUAGE_TEST_SKIP_INSTALL=1 skips step 1's install (for quick local re-runs on a machine already set
#   up; then run `npm run build` yourself first, since the e2e tests start dist/ through bin/nuage).
#   NUAGE_TEST_STAGES="unit integration-sqlite …" runs only the named stages (local use; CI runs all).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

reports="$(mktemp -d "${TMPDIR:-/tmp}/nuage-test-reports.XXXXXX")"
trap 'rm -rf "$reports"' EXIT

total_passed=0
total_failed=0
total_skipped=0
run_start=$(date +%s)
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

# Prints "<passed> <failed> <skipped> <broken files>" from a vitest JSON report, or "0 0 0 0" if there
# is none. A broken file failed outside any test (import error, failing beforeAll): its tests are
# skipped, so it counts as one failed test, or a red run could end with "0 failed".
vitest_counts() {
  node -e '
    const fs = require("fs");
    try {
      const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      const broken = (r.testResults ?? []).filter(
        (f) => f.status === "failed" && !(f.assertionResults ?? []).some((t) => t.status === "failed"),
      ).length;
      const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
      console.log(`${r.numPassedTests ?? 0} ${(r.numFailedTests ?? 0) + broken} ${skipped} ${broken}`);
    } catch {
      console.log("0 0 0 0");
    }' "$1"
}

# Runs a command that ends in a vitest invocation, adding the JSON reporter, and records the stage.
# $1 stage name, $2 report file, rest: the command (vitest arguments are appended by the caller).
vitest_stage() {
  local name="$1" report="$2"
  shift 2
  banner "$name"
  local start status passed failed skipped broken
  start=$(date +%s)
  "$@"
  status=$?
  read -r passed failed skipped broken < <(vitest_counts "$report")
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
  local note=""
  if [ "$broken" -gt 0 ]; then note=" ($broken file(s) failed outside tests)"; fi
  # A skip hides a test that did not run, and a stage with no test proves nothing: both fail the stage.
  if [ "$skipped" -gt 0 ] && [ "$status" -eq 0 ]; then status=1; note="$note (skipped tests fail the run)"; fi
  if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$status" -eq 0 ]; then status=1; note="$note (no test ran)"; fi
  record "$name" "$status" $(($(date +%s) - start)) "$passed passed, $failed failed, $skipped skipped$note"
}

reporter_args() {
  printf '%s\n' --reporter=default --reporter=json "--outputFile.json=$1"
}

finish() {
  printf '\n==== summary ====\n'
  printf '%s\n' "${summaries[@]}"
  printf 'total time %ss\n' $(($(date +%s) - run_start))
  printf '%d passed, %d failed, %d skipped\n' "$total_passed" "$total_failed" "$total_skipped"
  if [ "$failed_stages" -gt 0 ] || [ "$total_failed" -gt 0 ] || [ "$total_skipped" -gt 0 ]; then
    exit 1
  fi
  exit 0
}

# Runs a stage only if NUAGE_TEST_STAGES is unset or names it (local re-runs of one stage).
wanted() { [ -z "${NUAGE_TEST_STAGES:-}" ] || [[ " $NUAGE_TEST_STAGES " == *" $1 "* ]]; }

# Times a non-vitest stage. $1 name, rest: the command.
plain_stage() {
  local name="$1"
  shift
  banner "$name"
  local start status
  start=$(date +%s)
  "$@"
  status=$?
  record "$name" "$status" $(($(date +%s) - start))
}

# --- 0. preflight -------------------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
  banner "preflight"
  record "preflight" 1 0 "not root: the VM suites (compute, network and volume e2e, the metadata forwarder, the Tempest interop run) boot QEMU guests on the Linux data plane and need root; run: sudo bash scripts/test.sh"
  finish
fi

# --- 1. host set-up -----------------------------------------------------------------------------
if [ "${NUAGE_TEST_SKIP_INSTALL:-}" != "1" ]; then
  plain_stage "install-deps" bash scripts/install-deps.sh
  [ "$failed_stages" -eq 0 ] || finish
fi

# Every tool a suite drives: a missing one fails here, by name, instead of somewhere inside a test.
check_tools() {
  local missing=() tool
  for tool in qemu-system-x86_64 qemu-img ip nft dnsmasq genisoimage ssh-keygen pg_ctlcluster \
    ceph ceph-mon ceph-mgr ceph-osd ceph-authtool monmaptool rbd \
    /usr/bin/openstack /usr/bin/swift /usr/bin/aws /usr/bin/rclone /usr/bin/tempest /usr/bin/stestr \
    /usr/bin/chromium; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  /usr/bin/python3 -c 'import boto3, tempest, subunit, barbicanclient' 2>/dev/null ||
    missing+=("python3: boto3/tempest/subunit/barbicanclient")
  [ -e /usr/lib/softhsm/libsofthsm2.so ] || missing+=("softhsm2 (/usr/lib/softhsm/libsofthsm2.so)")
  [ -e /dev/net/tun ] || missing+=("/dev/net/tun")
  if [ "${#missing[@]}" -gt 0 ]; then
    printf 'missing on this host: %s\n' "${missing[*]}"
    return 1
  fi
  printf 'all tools present\n'
}
plain_stage "tools" check_tools

# --- 2. PostgreSQL ------------------------------------------------------------------------------
banner "postgres"
start=$(date +%s)
pg_url="$(bash scripts/start-postgres.sh --reset | tail -n 1)"
status=$?
if [ "$status" -eq 0 ] && [[ "$pg_url" != postgres://* ]]; then status=1; fi
record "postgres" "$status" $(($(date +%s) - start)) "${pg_url:+$pg_url}"
[ "$status" -eq 0 ] || pg_url=""

# A PostgreSQL stage without PostgreSQL fails (it never falls back to SQLite).
pg_stage() {
  local name="$1"
  shift
  if [ -z "$pg_url" ]; then
    banner "$name"
    record "$name" 1 0 "PostgreSQL did not start"
    return
  fi
  bash scripts/start-postgres.sh --reset >/dev/null || {
    record "$name" 1 0 "could not reset nuage_test"
    return
  }
  "$@"
}

# --- 3. npm run check (typecheck, lint, format, unit) -------------------------------------------
# `check` is a chain `npm run a && npm run b && …`; its parts run one by one here, so a lint error does
# not hide the unit results. Unit tests run with TEST_PG_URL, so store tests cover both dialects.
mapfile -t check_parts < <(node -e '
  const parts = require("./package.json").scripts.check.split("&&").map((p) => p.trim());
  if (parts.every((p) => /^npm run [\w:-]+$/.test(p))) parts.forEach((p) => console.log(p.slice(8)));')
[ "${#check_parts[@]}" -gt 0 ] || check_parts=(typecheck lint format:check test:unit)
for part in "${check_parts[@]}"; do
  wanted "$part" || continue
  if [ "$part" = "test:unit" ]; then
    mapfile -t args < <(reporter_args "$reports/unit.json")
    pg_stage "unit (sqlite+pg)" vitest_stage "unit (sqlite+pg)" "$reports/unit.json" \
      env TEST_PG_URL="$pg_url" npm run "$part" -- "${args[@]}"
  else
    plain_stage "$part" npm run "$part"
  fi
done

# --- 4. integration -----------------------------------------------------------------------------
if wanted integration-sqlite; then
  mapfile -t args < <(reporter_args "$reports/integration-sqlite.json")
  vitest_stage "integration (sqlite)" "$reports/integration-sqlite.json" \
    env -u TEST_PG_URL npx --no-install vitest run --project integration "${args[@]}"
fi
if wanted integration-pg; then
  mapfile -t args < <(reporter_args "$reports/integration-pg.json")
  pg_stage "integration (postgres)" vitest_stage "integration (postgres)" "$reports/integration-pg.json" \
    env TEST_PG_URL="$pg_url" npx --no-install vitest run --project integration "${args[@]}"
fi

# The rig starts in the project's global setup: without root or Ceph the stage fails, it never skips.
if wanted ceph; then
  mapfile -t args < <(reporter_args "$reports/ceph.json")
  vitest_stage "ceph (rbd)" "$reports/ceph.json" npx --no-install vitest run --project ceph "${args[@]}"
fi

# --- 5. e2e, fault and driver tests -------------------------------------------------------------
if wanted e2e-sqlite; then
  mapfile -t args < <(reporter_args "$reports/e2e-sqlite.json")
  vitest_stage "e2e (sqlite)" "$reports/e2e-sqlite.json" \
    env -u NUAGE_TEST_DATABASE_URL npx --no-install vitest run --project e2e "${args[@]}"
fi
if wanted e2e-pg; then
  mapfile -t args < <(reporter_args "$reports/e2e-pg.json")
  # On PostgreSQL: the suites whose correctness hangs on the database under real work — workers and
  # their state machines driving QEMU guests and volumes, and kill -9 recovery. The CLI-only suites
  # (identity, image, object, S3, key manager, console pages) exercise the same stores and routes that
  # the integration stage already runs on PostgreSQL, and repeating them would cost the 60-minute budget.
  pg_stage "e2e (postgres)" vitest_stage "e2e (postgres)" "$reports/e2e-pg.json" \
    env NUAGE_TEST_DATABASE_URL="$pg_url" npx --no-install vitest run --project e2e \
    test/e2e/compute.test.ts test/e2e/volume.test.ts test/e2e/boot-from-volume.test.ts test/fault "${args[@]}"
fi

# --- 6. interop (Tempest) -----------------------------------------------------------------------
if wanted interop; then
  banner "interop (tempest)"
  start=$(date +%s)
  out="$reports/interop.txt"
  bash scripts/conformance/interop.sh 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  line="$(grep -E '^tempest: ' "$out" | tail -n 1)"
  # Known failures (scripts/conformance/known-failures.txt) are the guideline's open work: reported in
  # the line, not counted as failed; every other failed, skipped or missing test is.
  read -r t_passed t_unexpected < <(
    sed -E 's/^tempest: ([0-9]+) passed, .* ([0-9]+) unexpected.*/\1 \2/' <<<"${line:-tempest: 0 passed, 1 unexpected}")
  [[ "$t_passed" =~ ^[0-9]+$ && "$t_unexpected" =~ ^[0-9]+$ ]] || { t_passed=0; t_unexpected=1; }
  total_passed=$((total_passed + t_passed))
  total_failed=$((total_failed + t_unexpected))
  record "interop (tempest)" "$status" $(($(date +%s) - start)) "${line#tempest: }"
fi

finish
