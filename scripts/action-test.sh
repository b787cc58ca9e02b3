#!/usr/bin/env bash
# Tests scripts/action/run.sh (the GitHub Action's logic) locally: the
# build-from-source path (version: source, go install from this checkout)
# against the offline test zones, with a fake $GITHUB_STEP_SUMMARY and
# $GITHUB_OUTPUT. The release-download path needs the network and a
# published release, and is not tested here.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "action-test: FAIL: $*" >&2; exit 1; }

run() { # run EXPECTED-EXIT ARGS... ; sets out/summary files
	local want=$1
	shift
	: >"$tmp/summary"
	: >"$tmp/output"
	set +e
	env GITHUB_STEP_SUMMARY="$tmp/summary" GITHUB_OUTPUT="$tmp/output" RUNNER_TEMP="$tmp" \
		ACTION_PATH="$root" INPUT_VERSION=source INPUT_SUMMARY=true INPUT_SARIF=false "$@" \
		scripts/action/run.sh >"$tmp/stdout" 2>"$tmp/stderr"
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$tmp/stderr" >&2; fail "exit $got, want $want ($*)"; }
	grep -qx "exit-code=$want" "$tmp/output" || fail "GITHUB_OUTPUT lacks exit-code=$want: $(cat "$tmp/output")"
}

# finding CHECK CODE SEVERITY: the summary lists the finding under the
# check's heading (relayctl -o markdown: "#### check — status", then
# "- **severity** `code`: message").
finding() {
	awk -v check="$1" -v code="$2" -v sev="$3" '
		/^#### / { in_check = ($2 == check) }
		in_check && index($0, "- **" sev "** `" code "`: ") == 1 { found = 1 }
		END { exit !found }' "$tmp/summary" || fail "no $3 $2 under #### $1: $(cat "$tmp/summary")"
}
# row TARGET STATUS: the summary table's row for TARGET (target, status,
# fail, warn, info, error counts), printed.
row() {
	grep -E "^\| $1 \| $2 \| [0-9]+ \| [0-9]+ \| [0-9]+ \| [0-9]+ \|\$" "$tmp/summary" || fail "no $2 row for $1: $(cat "$tmp/summary")"
}

# 1. The quick start: example.com has warnings and no failure, so it
# passes the default gate (exit 0) and fails --fail-on warn (exit 1); the
# summary says why.
run 0 INPUT_ARGS="check domain example.com --zone testdata/zones --offline"
[ "$(row example.com warn)" != "" ]
run 1 INPUT_ARGS="check domain example.com --zone testdata/zones --offline --fail-on warn"
grep -q '^## relayctl check domain$' "$tmp/summary" || fail "no heading in the summary"
# fail 0, some warnings, no errors: the counts of the report itself.
grep -Eq '^\| example\.com \| warn \| 0 \| [1-9][0-9]* \| [0-9]+ \| 0 \|$' "$tmp/summary" || fail "counts for example.com: $(row example.com warn)"
warns=$(row example.com warn | cut -d'|' -f5 | tr -d ' ')
[ "$warns" = "$(jq '[.checks[].findings[]? | select(.severity == "warn")] | length' "$(sed -n 's/^report=//p' "$tmp/output")")" ] || fail "the warn count $warns is not the report's"
grep -q '^### example\.com — warn$' "$tmp/summary" || fail "no section for example.com"
finding dkim dkim.test-mode warn
grep -q 'exited 1' "$tmp/summary" || fail "summary does not give the exit code"
report=$(sed -n 's/^report=//p' "$tmp/output")
[ "$(jq -s 'length' "$report")" = 1 ] || fail "report $report is not one NDJSON report"
[ "$(jq -r .target "$report")" = example.com ] || fail "report target"

# 2. Quoted arguments and --fail-on never: exit 0, still a summary.
run 0 INPUT_ARGS="check dmarc example.com --zone testdata/zones --offline --fail-on 'never'"
[ "$(row example.com warn)" != "" ]
grep -q '^## relayctl check dmarc$' "$tmp/summary" || fail "dmarc heading: $(cat "$tmp/summary")"

# 3. Several domains from a list, with a policy file: one row each.
printf 'example.com\nexample.org\n' >"$tmp/domains.txt"
printf 'expect:\n  "*": {tlsrpt: required}\n' >"$tmp/policy.yaml"
run 1 INPUT_ARGS="check domain --file $tmp/domains.txt --policy $tmp/policy.yaml --zone testdata/zones --offline"
[ "$(grep -c '^| example\.\(com\|org\) |' "$tmp/summary")" = 2 ] || fail "two rows wanted: $(cat "$tmp/summary")"
row example.com '\*\*fail\*\*' >/dev/null
row example.org '\*\*fail\*\*' >/dev/null
finding tlsrpt policy.tlsrpt fail
[ "$(grep -c '^### example\.\(com\|org\) — ' "$tmp/summary")" = 2 ] || fail "a findings section each wanted: $(cat "$tmp/summary")"

# 4. Bad usage passes exit 2 through; the summary says there is no
# report; summary off writes nothing.
run 2 INPUT_ARGS="check domain bad..example --zone testdata/zones --offline"
grep -q 'exited 2' "$tmp/summary" && grep -q '^No report' "$tmp/summary" || fail "usage-error summary: $(cat "$tmp/summary")"
[ "$(grep -c 'invalid domain' "$tmp/stderr")" = 1 ] || fail "the usage error should be in the log once: $(cat "$tmp/stderr")"
run 2 INPUT_ARGS="check domain bad..example --zone testdata/zones --offline" INPUT_SUMMARY=false
[ ! -s "$tmp/summary" ] || fail "summary written with summary: false"

# 5. sarif: true writes SARIF when this relayctl has -o sarif; without
# it the run says so and keeps relayctl's exit code.
run 0 INPUT_ARGS="check dmarc example.com --zone testdata/zones --offline" INPUT_SARIF=true
sarif=$(sed -n 's/^sarif=//p' "$tmp/output")
if [ -n "$sarif" ]; then
	[ "$(jq -r .version "$sarif")" = 2.1.0 ] || fail "$sarif is not SARIF 2.1.0"
else
	grep -q -- "-o sarif failed" "$tmp/stderr" || fail "no SARIF and no word why: $(cat "$tmp/stderr")"
fi

# 6. An empty args input is refused.
run_empty() { INPUT_ARGS="" ACTION_PATH="$root" GITHUB_OUTPUT="$tmp/output" scripts/action/run.sh 2>&1; }
set +e
msg=$(run_empty)
rc=$?
set -e
[ "$rc" = 2 ] && grep -q "args input is empty" <<<"$msg" || fail "empty args: exit $rc, $msg"

echo "action-test: ok"
