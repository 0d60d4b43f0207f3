#!/usr/bin/env bash
# `npm test`: everything CI checks, in order:
#   1. typecheck        tsc --noEmit -p .
#   2. dependency rules depcruise src --config .dependency-cruiser.cjs
#   3. tests on PGlite  vitest run
#   4. tests on PostgreSQL (a throwaway server, scripts/with-postgres.sh) vitest run
#
# Every stage runs even when an earlier one failed (so one CI run shows all problems), unless
# TEST_FAIL_FAST=1; the script exits non-zero if any stage failed. Extra arguments are passed to
# both vitest runs (e.g. `npm test -- test/rest`).
#
# Tools are run from node_modules/.bin (never fetched by npx); stdin is /dev/null so nothing can
# wait for input when CI runs this without a terminal.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/node_modules/.bin:$PATH"

for bin in tsc depcruise vitest; do
  if [ ! -x "node_modules/.bin/$bin" ]; then
    echo "scripts/test.sh: node_modules/.bin/$bin is missing; run \`npm ci\` first" >&2
    exit 1
  fi
done

failed=()
passed=()
# What each failed test stage printed about its failures, repeated in the summary: CI logs keep
# only the tail of the output, and the first stage's failures would otherwise scroll out of it.
details="$(mktemp)"
trap 'rm -f "$details"' EXIT

header() {
  echo
  echo "================================================================================"
  echo "== $*"
  echo "================================================================================"
}

# stage NAME CMD...: runs CMD, records the outcome
stage() {
  local name="$1"
  shift
  header "$name"
  local start=$SECONDS rc=0 out
  out="$(mktemp)"
  "$@" </dev/null 2>&1 | tee "$out" || rc=$?
  if [ "$rc" -ne 0 ]; then
    {
      echo "-- $name:"
      # vitest: failed files/tests, unhandled errors, worker crashes; the assertion lines after them
      sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -E -A3 '(FAIL |×|✗|Unhandled|Error:|exited|Timed out|timed out|error TS)' | head -n 120
    } >>"$details"
  fi
  rm -f "$out"
  if [ "$rc" -eq 0 ]; then
    passed+=("$name")
    echo "-- $name: ok ($((SECONDS - start))s)"
  else
    failed+=("$name")
    echo "-- $name: FAILED (exit $rc, $((SECONDS - start))s)"
    if [ "${TEST_FAIL_FAST:-0}" = 1 ]; then
      summary
      exit 1
    fi
  fi
}

# dependency-cruiser reports success on an empty graph (e.g. when it cannot parse .ts), so a
# pass that cruised 0 modules counts as a failure.
lint_deps() {
  local out rc=0
  out="$(depcruise src --config .dependency-cruiser.cjs 2>&1)" || rc=$?
  printf '%s\n' "$out"
  if [ "$rc" -eq 0 ] && printf '%s' "$out" | grep -q '(0 modules'; then
    echo "dependency-cruiser checked no modules: it cannot parse the TypeScript sources" >&2
    rc=1
  fi
  return "$rc"
}

summary() {
  header "summary"
  local s
  for s in "${passed[@]+"${passed[@]}"}"; do echo "  ok      $s"; done
  for s in "${failed[@]+"${failed[@]}"}"; do echo "  FAILED  $s"; done
  if [ -s "$details" ]; then
    echo
    cat "$details"
  fi
}

stage "typecheck (tsc --noEmit -p .)" tsc --noEmit -p .
stage "dependency rules (depcruise src)" lint_deps
stage "migrations match prisma/schema.prisma (db:check)" node scripts/prisma-wasm/cli.mjs diff --from migrations --to schema --exit-code --url pglite:memory
stage "tests on PGlite (vitest run)" env -u GATEHOUSE_TEST_DB -u TEST_POSTGRES_URL vitest run "$@"
stage "tests on PostgreSQL (with-postgres.sh vitest run)" bash scripts/with-postgres.sh vitest run "$@"

summary
if [ "${#failed[@]}" -gt 0 ]; then
  exit 1
fi
