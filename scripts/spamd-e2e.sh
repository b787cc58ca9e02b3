#!/usr/bin/env bash
# End-to-end test of checks/spamd (the SPAMC client behind `relayctl check
# message --spamd`) against a real spamd from Debian's packages.
#
# It installs spamd (and with it spamassassin and its rules) when missing,
# starts a PRIVATE spamd — listening on 127.0.0.1 only, on a high port,
# network tests off (--local: no DNS blocklists, no Razor/Pyzor/DCC), no
# user configs, Bayes off, its own pid file, log and home in a temporary
# folder — runs the Go test TestRealSpamd and `relayctl check message
# --spamd` against it and stops it again,
# whatever happens. The system's spamd service is never started or
# touched, and sa-update is never run: Debian's package ships the rules in
# /usr/share/spamassassin, which spamd uses when no updated rules exist.
#
# Run as root on Debian (it calls apt-get and starts spamd, which drops
# to the debian-spamd user). The whole run is bounded by
# SPAMD_E2E_TIMEOUT.
#
# Environment:
#   SPAMD_E2E_PORT     port to listen on (default 42783)
#   SPAMD_E2E_TIMEOUT  limit for the whole run, seconds (default 600)
#   SPAMD_E2E_START    limit for spamd's start, seconds (default 120)
#   SPAMD_E2E_KEEP     set to 1 to keep the temp folder (its log is printed
#                      on failure either way)
#   RELAYCTL           relayctl binary for the `check message --spamd` step
#                      (default: built here, into the temp folder)
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$self")/.."
# spamd, apt-get and dpkg live in sbin, which not every root PATH has.
export PATH="$PATH:/usr/sbin:/sbin"

say() { printf '== %s\n' "$*"; }
die() { printf 'spamd-e2e: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts spamd)"

# One limit for the whole run: the script runs again under timeout(1),
# whose TERM the traps below turn into a clean stop.
# shellcheck source=lib/limit.sh
. scripts/lib/limit.sh
e2e_limit spamd-e2e SPAMD_E2E_TIMEOUT 600 "$self" "$@"

t0=$(date +%s)
port=${SPAMD_E2E_PORT:-42783}
# Until the instance's own cleanup takes over (below), an exit or a signal
# during the install removes the policy-rc.d it may have put in place.
policy_made=
early_cleanup() { if [ -n "$policy_made" ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap early_cleanup EXIT
trap 'exit 130' INT TERM

# --- install ------------------------------------------------------------------
# spamd is its own package on Debian 12 and later (it depends on
# spamassassin, which holds the rules). Recommends stay out: sa-compile
# and the network-test plugins are not needed with --local.
install_spamd() {
	export DEBIAN_FRONTEND=noninteractive
	# The package's postinst starts the system spamd unless policy-rc.d
	# says no; say no for this install when nothing else does.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\n# spamd-e2e.sh: start no service while it installs packages\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy_made=1
	fi
	# A machine whose package lists are missing or know no spamd needs
	# them fetched first; lists that are there but stale (a version since
	# superseded, whose download fails) are refreshed once on failure.
	local policy
	policy=$(LC_ALL=C apt-cache policy spamd 2>/dev/null || true)
	if ! grep -q 'Candidate: [0-9]' <<<"$policy"; then
		say "apt-get update (no spamd in the package lists)"
		apt-get update -qq -o DPkg::Lock::Timeout=300
	fi
	if ! apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends spamd >/dev/null; then
		say "install failed; apt-get update and one more try"
		dpkg --configure -a || true # an install cut short earlier
		apt-get update -qq -o DPkg::Lock::Timeout=300
		apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends spamd >/dev/null
	fi
	if [ -n "$policy_made" ]; then rm -f /usr/sbin/policy-rc.d; policy_made=; fi
	# The postinst imports sa-update's signing key, which leaves a
	# gpg-agent running for that keyring: stop it.
	gpgconf --homedir /var/lib/spamassassin/sa-update-keys --kill gpg-agent >/dev/null 2>&1 || true
}
version() { local v; v=$(spamd --version 2>/dev/null) || true; printf '%s' "${v%%$'\n'*}"; }
if command -v spamd >/dev/null 2>&1 && id debian-spamd >/dev/null 2>&1; then
	say "spamd is installed ($(version))"
else
	say "installing spamd (Debian's spamassassin and spamd packages)"
	install_spamd
	command -v spamd >/dev/null 2>&1 || die "spamd is still missing after apt-get install"
	id debian-spamd >/dev/null 2>&1 || die "the spamassassin package made no debian-spamd user"
	say "installed $(version) in $(($(date +%s) - t0))s"
fi
t_inst=$(date +%s)

# Rules: the package's own, or ones sa-update fetched earlier. This script
# fetches none (that needs the network).
shopt -s nullglob
rules=(/usr/share/spamassassin/*.cf /var/lib/spamassassin/*/updates_spamassassin_org/*.cf)
shopt -u nullglob
[ ${#rules[@]} -gt 0 ] || die "no SpamAssassin rules in /usr/share/spamassassin or /var/lib/spamassassin (this script does not run sa-update)"

# --- the private spamd ------------------------------------------------------------
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ping: spamd's own answer to PING on our port ("SPAMD/1.5 0 PONG").
ping() {
	local line=
	exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || return 1
	printf 'PING SPAMC/1.5\r\n\r\n' >&3
	IFS= read -r -t 5 line <&3 || true
	exec 3<&- 3>&-
	[[ $line == SPAMD/1.*' 0 PONG'* ]]
}

# alive PIDFILE: the pid in it, when that process is a spamd this script
# started: one that holds the log file next to the pid file open (spamd
# renames itself to plain "spamd", so its command line cannot tell).
alive() {
	local pid fds
	pid=$(cat "$1" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	fds=$(ls -l "/proc/$pid/fd" 2>/dev/null) || return 1
	grep -qF -- "-> $(dirname "$1")/spamd.log" <<<"$fds" || return 1
	echo "$pid"
}

# gone PID: the process has ended (a zombie that nobody reaps has too).
gone() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	st=${st##*) }
	[ "${st%% *}" = Z ]
}

# stop PIDFILE: TERM the spamd it names (it stops its children), wait for
# it, KILL it if it lingers, then wait for its port to close.
stop() {
	local pid
	pid=$(alive "$1") || return 0
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 100); do
		gone "$pid" && break
		sleep 0.1
	done
	gone "$pid" || kill -9 "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		listening "$port" || return 0
		sleep 0.1
	done
}

# A run killed before its trap ran leaves its spamd up: stop those (only
# spamds this script started; their folders are left for a look).
for old in /tmp/spamd-e2e.*/spamd.pid; do
	[ -e "$old" ] || continue
	if alive "$old" >/dev/null; then
		say "stopping a leftover spamd ($old)"
		stop "$old"
	fi
done
listening "$port" && die "127.0.0.1:$port is already in use (set SPAMD_E2E_PORT)"

dir=$(mktemp -d /tmp/spamd-e2e.XXXXXX)
chmod 755 "$dir"
mkdir "$dir/home"
chown debian-spamd: "$dir" "$dir/home"
pidfile=$dir/spamd.pid
passed=
cleanup() {
	local rc=$?
	stop "$pidfile"
	early_cleanup
	if [ -z "$passed" ] && [ -f "$dir/spamd.log" ]; then
		echo "--- the end of $dir/spamd.log" >&2
		tail -n 40 "$dir/spamd.log" >&2
	fi
	if [ "${SPAMD_E2E_KEEP:-}" = 1 ]; then
		echo "kept $dir" >&2
	else
		rm -rf "$dir"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting spamd on 127.0.0.1:$port (--local, in $dir)"
# --local: no network tests and no DNS (SpamAssassin's "dns: using local
# tests only, DNS not available"). Bayes and auto-learning off so that
# every run scores alike and writes nothing.
spamd --daemonize --local --nouser-config \
	--listen="127.0.0.1:$port" --allowed-ips=127.0.0.1 \
	--username=debian-spamd --groupname=debian-spamd \
	--helper-home-dir="$dir/home" --pidfile="$pidfile" --syslog="$dir/spamd.log" \
	--min-children=1 --max-children=2 \
	--cf='use_bayes 0' --cf='bayes_auto_learn 0' \
	|| die "spamd did not start"
# Loading and compiling the rules takes a few seconds (more on a busy
# machine): wait up to SPAMD_E2E_START seconds.
up= until=$(($(date +%s) + ${SPAMD_E2E_START:-120}))
while [ "$(date +%s)" -lt "$until" ]; do
	if ping; then up=1; break; fi
	[ -f "$pidfile" ] && ! alive "$pidfile" >/dev/null && die "spamd exited while starting"
	sleep 0.1
done
[ -n "$up" ] || die "spamd did not answer PING within ${SPAMD_E2E_START:-120}s (SPAMD_E2E_START)"
t_up=$(date +%s)
say "spamd answers PING after $((t_up - t_inst))s"

# --- the Go end-to-end test --------------------------------------------------------
say "go test ./checks/spamd -run TestRealSpamd (RELAYCTL_SPAMD=127.0.0.1:$port)"
out=$dir/go-test.out
rc=0
RELAYCTL_SPAMD=127.0.0.1:$port go test -count=1 -run '^TestRealSpamd$' -v ./checks/spamd >"$out" 2>&1 || rc=$?
cat "$out"
[ $rc = 0 ] || die "go test failed (exit $rc)"
grep -q -- '--- SKIP' "$out" && die "TestRealSpamd skipped a test"
grep -q -- '^--- PASS: TestRealSpamd' "$out" || die "TestRealSpamd did not run"

# --- relayctl check message --spamd, through the binary ---------------------------
# The testdata messages of checks/spamd, against a zone for their From
# domain (DMARC p=none, no keys: the authentication checks warn at most),
# --offline so nothing leaves the machine. GTUBE: spamd.spam is a fail,
# exit 1, the GTUBE rule in the JSON; the clean message: exit 0.
if [ -z "${RELAYCTL:-}" ]; then
	say "building relayctl"
	RELAYCTL=$dir/relayctl
	go build -o "$RELAYCTL" ./cmd/relayctl
fi
cat >"$dir/example.com.zone" <<'EOF'
$ORIGIN example.com.
$TTL 300
@      IN SOA ns hostmaster 1 7200 3600 1209600 300
_dmarc IN TXT "v=DMARC1; p=none"
EOF
# msgcheck NAME FILE WANT_RC: run the binary, check its exit code.
msgcheck() {
	local rc=0
	"$RELAYCTL" check message "$2" --spamd "127.0.0.1:$port" --zone "$dir/example.com.zone" --offline \
		--timeout 60s -o json >"$dir/$1.json" 2>"$dir/$1.err" || rc=$?
	if [ "$rc" != "$3" ]; then
		cat "$dir/$1.json" "$dir/$1.err" >&2
		die "relayctl check message --spamd ($1): exit $rc, want $3"
	fi
}
say "relayctl check message --spamd 127.0.0.1:$port ($RELAYCTL)"
msgcheck gtube checks/spamd/testdata/gtube.eml 1
jq -e '.checks[] | select(.name == "spam") | .status == "fail" and .data.spam and .data.score >= 1000
	and (.data.rules | map(.name) | index("GTUBE") != null)
	and (.findings[] | select(.code == "spamd.spam") | .severity == "fail")' \
	"$dir/gtube.json" >/dev/null || { jq . "$dir/gtube.json" >&2; die "check message: GTUBE is not spamd.spam with the GTUBE rule"; }
echo "   ok  check message --spamd: GTUBE exits 1, spamd.spam fail, the GTUBE rule in the JSON"
msgcheck clean checks/spamd/testdata/clean.eml 0
jq -e '.checks[] | select(.name == "spam") | .status != "fail" and .data.spam == false and (.data.threshold > .data.score)
	and (.findings | map(.code) | index("spamd.score") != null)' \
	"$dir/clean.json" >/dev/null || { jq . "$dir/clean.json" >&2; die "check message: the clean message is not scored as clean"; }
echo "   ok  check message --spamd: the clean message exits 0 ($(jq -r '.checks[] | select(.name == "spam") | .summary' "$dir/clean.json"))"

# spamd saw our scans (its log names each), so the test did not pass by
# talking to something else.
n=$(grep -cE 'spamd: result: Y [0-9]+ - ([A-Z0-9_]+,)*GTUBE' "$dir/spamd.log" || true)
[ "$n" -ge 1 ] || die "spamd's log shows no GTUBE result"
echo "   ok  spamd logged $n GTUBE result(s)"
grep -q 'spamd: result: .*user=relayctl-e2e,' "$dir/spamd.log" || die "spamd's log shows no scan for the User header's user"
echo "   ok  spamd logged a scan for User: relayctl-e2e"

t_end=$(date +%s)
stop "$pidfile"
listening "$port" && die "spamd still listens on 127.0.0.1:$port after it was stopped"
echo "   ok  spamd stopped"
passed=1
say "spamd-e2e: PASS (install $((t_inst - t0))s, start $((t_up - t_inst))s, tests $((t_end - t_up))s, total $((t_end - t0))s)"
