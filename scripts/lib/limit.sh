# shellcheck shell=bash
# e2e_limit NAME VAR DEFAULT SCRIPT ARGS...: run SCRIPT again under
# timeout(1) with VAR seconds (DEFAULT when unset) for the whole run, and
# exit with its status; in that second run (E2E_LIMITED_<NAME> set) return
# at once so the script goes on. timeout's TERM reaches the script's traps,
# which stop what it started; 124 says the limit was hit.
e2e_limit() {
	local name=$1 var=$2 default=$3 self=$4
	shift 4
	local flag="E2E_LIMITED_${name//[^A-Za-z0-9]/_}"
	[ -n "${!flag:-}" ] && return 0
	export "$flag=1"
	local secs=${!var:-$default} rc=0
	timeout --kill-after=15 "$secs" bash "$self" "$@" || rc=$?
	[ "$rc" = 124 ] && printf '%s: FAIL: over the %ss limit (%s)\n' "$name" "$secs" "$var" >&2
	exit "$rc"
}
