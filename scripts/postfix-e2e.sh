#!/usr/bin/env bash
# End-to-end test of `relayctl check smtp` against a real Postfix from
# Debian's packages.
#
# It installs what it needs when missing (postfix preseeded to "No
# configuration", Cyrus SASL, openssl, jq), builds a PRIVATE Postfix instance
# in a temporary folder — its own config, queue and data directories, its own
# log file, no chroot, listening on 127.0.0.1 only — starts it, probes it with
# relayctl and stops it again, whatever happens. /etc/postfix is never
# touched and no traffic leaves 127.0.0.0/8: there is no relayhost, DNS
# lookups by the SMTP client are off, and every transport that could deliver
# anywhere is the error transport.
#
# The four listeners (ports: POSTFIX_E2E_BASE + 0..3, default 42525..42528):
#   A  STARTTLS required (smtpd_tls_security_level=encrypt), AUTH only after TLS
#   B  implicit TLS (smtpd_tls_wrappermode=yes), like port 465
#   C  no TLS at all; also relays for 127.0.0.0/8 (an open relay to a
#      loopback client), for --relay-test
#   D  STARTTLS offered, AUTH (Cyrus sasldb) offered before TLS (smtpd_tls_auth_only=no)
#
# Run as root on Debian (it calls apt-get and postfix). Idempotent: every run
# makes a fresh instance and removes it at the end.
#
# Environment:
#   RELAYCTL          relayctl binary to test (default: built from this repo)
#   POSTFIX_E2E_BASE  first port (default 42525)
#   POSTFIX_E2E_KEEP  set to 1 to keep the temp folder (the log is printed
#                     on failure either way)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
t0=$(date +%s)

say() { printf '== %s\n' "$*"; }
die() { printf 'postfix-e2e: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts postfix)"

# shellcheck source=lib/postfix.sh
. scripts/lib/postfix.sh
pf_install
pf_relayctl e2e

# --- the private instance ----------------------------------------------------
base=${POSTFIX_E2E_BASE:-42525}
PA=$base PB=$((base + 1)) PC=$((base + 2)) PD=$((base + 3))
# A run killed before its trap ran leaves its instance up: stop those
# (only instances this script made; their folders are left for a look).
for old in /tmp/postfix-e2e.*/etc; do
	[ -f "$old/main.cf" ] || continue
	if postfix -c "$old" status >/dev/null 2>&1; then
		say "stopping a leftover instance ($old)"
		script -qec "postfix -c $old stop" /dev/null >/dev/null 2>&1 || true
		sleep 1
	fi
done
pf_ports_free POSTFIX_E2E_BASE $PA $PB $PC $PD

pf_newdir postfix-e2e "${POSTFIX_E2E_KEEP:-}"

pf_cert
pf_sasl_user "$dir/etc/sasl/sasldb2" not-a-real-secret

{
	pf_main_base
	cat <<EOF
local_recipient_maps =
# Every transport that could deliver discards instead. (The error
# transport would make smtpd refuse the relay test's RCPT itself, hiding
# port C's open relay; the probes never send DATA anyway.)
default_transport = discard:postfix-e2e delivers nothing
relay_transport = discard:postfix-e2e delivers nothing
local_transport = discard:postfix-e2e delivers nothing
virtual_transport = discard:postfix-e2e delivers nothing
smtpd_banner = \$myhostname ESMTP relayctl-e2e
smtpd_sasl_auth_enable = no
EOF
} >"$dir/etc/main.cf"

# The listeners; C relays for loopback clients (its own mynetworks).
{
	cat <<EOF
127.0.0.1:$PA inet n - n - - smtpd
  -o syslog_name=e2e-A
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
127.0.0.1:$PB inet n - n - - smtpd
  -o syslog_name=e2e-B
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
127.0.0.1:$PC inet n - n - - smtpd
  -o syslog_name=e2e-C
  -o smtpd_tls_security_level=none
  -o mynetworks=127.0.0.0/8
127.0.0.1:$PD inet n - n - - smtpd
  -o syslog_name=e2e-D
  -o smtpd_tls_security_level=may
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=no
EOF
	pf_master_services
} >"$dir/etc/master.cf"

say "starting postfix -c $dir/etc (ports A=$PA B=$PB C=$PC D=$PD)"
pf_start $PA $PB $PC $PD
t_up=$(date +%s)

# --- the instance itself works as configured ---------------------------------
# banner PORT: the first line a plain connection gets.
banner() {
	local line
	exec 3<>"/dev/tcp/127.0.0.1/$1"
	IFS= read -r -t 10 line <&3 || line=
	printf 'QUIT\r\n' >&3
	exec 3<&- 3>&-
	printf '%s' "${line%$'\r'}"
}
# ehlo PORT: the EHLO reply on a plain connection.
ehlo() {
	local line out=
	exec 3<>"/dev/tcp/127.0.0.1/$1"
	IFS= read -r -t 10 line <&3
	printf 'EHLO e2e.relayctl.test\r\n' >&3
	while IFS= read -r -t 10 line <&3; do
		out+="${line%$'\r'}"$'\n'
		[[ $line == 250\ * ]] && break
	done
	printf 'QUIT\r\n' >&3
	exec 3<&- 3>&-
	printf '%s' "$out"
}

say "postfix self-test"
for p in $PA $PC $PD; do
	b=$(banner "$p")
	[[ $b == "220 mx.relayctl.test ESMTP relayctl-e2e" ]] || die "port $p banner: $b"
done
grep -q '^250-STARTTLS' <<<"$(ehlo "$PA")" || die "A does not offer STARTTLS"
grep -q 'AUTH' <<<"$(ehlo "$PA")" && die "A offers AUTH before TLS"
grep -q 'STARTTLS' <<<"$(ehlo "$PC")" && die "C offers STARTTLS"
grep -q '^250-AUTH PLAIN LOGIN' <<<"$(ehlo "$PD")" || die "D does not offer AUTH before TLS"
# QUIT through the TLS session, and wait for the server to close (-ign_eof),
# so the reply shows the session carried SMTP.
tls() { printf 'QUIT\n' | timeout 20 openssl s_client -crlf -ign_eof -servername mx.relayctl.test "$@" 2>&1 || true; }
out=$(tls -starttls smtp -connect "127.0.0.1:$PA")
grep -q 'subject=CN = mx.relayctl.test' <<<"$out" || die "A: no TLS after STARTTLS: $out"
grep -q '^221 ' <<<"$out" || die "A: no SMTP inside TLS: $out"
out=$(tls -connect "127.0.0.1:$PB")
grep -q 'subject=CN = mx.relayctl.test' <<<"$out" || die "B: no implicit TLS: $out"
grep -q '^220 mx.relayctl.test' <<<"$out" || die "B: no banner inside TLS: $out"

# --- relayctl check smtp against each port ------------------------------------
"$RELAYCTL" check smtp --help >/dev/null 2>&1 || die "this relayctl has no 'check smtp' command"

# probe NAME ARGS...: run relayctl check smtp -o json, keep its output in
# $dir/NAME.json. Exit codes 0, 1 (a finding at the gate) are expected; 2
# and 3 are not.
probe() {
	local name=$1 rc=0
	shift
	"$RELAYCTL" check smtp -o json --fail-on never --timeout 10s "$@" >"$dir/$name.json" || rc=$?
	[ $rc = 0 ] || { cat "$dir/$name.json" >&2; die "$name: relayctl exited $rc"; }
}
# expect NAME JQ-EXPR DESCRIPTION: the jq expression must be true on NAME's report.
expect() {
	if ! jq -e "$2" "$dir/$1.json" >/dev/null; then
		jq . "$dir/$1.json" >&2 || cat "$dir/$1.json" >&2
		die "$1: expected $3 ($2)"
	fi
	echo "   ok  $1: $3"
}
# Paths into the report of one target: its one result (one address, one
# port), that result's finding codes, its data.
res='.checks[0]'
codes='[.checks[0].findings[].code]'
data='.checks[0].data'
has() { echo "($codes | index(\"$1\")) != null"; }
hasnt() { echo "($codes | index(\"$1\")) == null"; }

say "relayctl check smtp on each port"
pids=()
probe A "127.0.0.1:$PA" --ca "$dir/tls/cert.pem" & pids+=($!)
probe Au "127.0.0.1:$PA" & pids+=($!)
probe B "127.0.0.1:$PB" --implicit-tls --ca "$dir/tls/cert.pem" & pids+=($!)
probe C "127.0.0.1:$PC" --relay-test & pids+=($!)
probe D "127.0.0.1:$PD" --ca "$dir/tls/cert.pem" & pids+=($!)
for p in "${pids[@]}"; do wait "$p" || die "a probe failed"; done

# A: STARTTLS required (MAIL before it gets 530), AUTH only after TLS, the
# certificate trusted through --ca and valid for 127.0.0.1.
expect A "(.checks | length) == 1 and $res.name == \"smtp 127.0.0.1:$PA\"" "one result, named by address and port"
expect A "$res.status == \"ok\" and ($codes | length) == 0" "status ok, no findings"
expect A "$data.mode == \"starttls\" and $data.banner.code == 220" "STARTTLS mode, 220 banner"
expect A "$data.starttls.offered and $data.starttls.required and $data.starttls.mail_before_tls.code == 530" "STARTTLS offered and required (530 before it)"
expect A "($data.ehlo.auth | length) == 0 and ($data.ehlo_tls.auth | index(\"PLAIN\")) != null" "AUTH only after TLS"
expect A "$data.tls.version == \"TLS1.3\" or $data.tls.version == \"TLS1.2\"" "TLS 1.2 or 1.3"
expect A "$data.tls.trusted and $data.tls.name_match and $data.tls.certificate.subject == \"CN=mx.relayctl.test\"" "certificate trusted via --ca, name matches"
expect A "$data.tls.certificate.key_type == \"RSA\" and $data.tls.certificate.key_bits == 2048 and $data.tls.certificate.self_signed" "RSA 2048 self-signed"
expect A "$data.timings_ms.connect > 0 and $data.timings_ms.handshake > 0 and $data.timings_ms.total > 0" "step timings"
expect A "$data.transcript | map(select(startswith(\"C: \"))) | map(select(test(\"^C: (DATA|BDAT)\"))) | length == 0" "no DATA sent"
expect A "$data.transcript | last | test(\"^S: 221\")" "ends with QUIT/221"
# Au: the same port without --ca: the self-signed certificate is untrusted.
expect Au "$(has smtp.cert-untrusted) and $res.status == \"fail\"" "smtp.cert-untrusted without --ca"
expect Au "$data.tls.trusted == false and $data.tls.version != null" "TLS details despite the failed verification"
# B: implicit TLS (wrappermode) on a high port with --implicit-tls.
expect B "$res.status == \"ok\" and ($codes | length) == 0" "status ok, no findings"
expect B "$data.mode == \"implicit\" and $data.banner.code == 220 and $data.starttls == null" "implicit TLS, banner inside TLS"
expect B "$data.tls.trusted and $data.tls.name_match" "certificate trusted and matching"
# C: no STARTTLS; relays for a loopback client, which --relay-test finds.
expect C "$(has smtp.no-starttls)" "smtp.no-starttls"
expect C "$data.starttls.offered == false and $data.tls == null" "no TLS at all"
expect C "$(has smtp.open-relay) and $data.relay_test.result == \"accepted\"" "smtp.open-relay with --relay-test"
expect C "$data.relay_test.rcpt.code == 250 and ($data.relay_test.to | endswith(\".invalid\"))" "RCPT to a .invalid domain accepted"
# D: AUTH offered in clear and the server answers 334 to AUTH PLAIN.
expect D "$(has smtp.auth-before-tls)" "smtp.auth-before-tls"
expect D "$data.auth_before_tls.exposed and $data.auth_before_tls.reply.code == 334" "AUTH PLAIN in clear gets 334"
expect D "$(hasnt smtp.no-starttls) and $data.starttls.offered and $data.starttls.required == false" "STARTTLS offered, not required"
expect D "($data.ehlo.auth | index(\"PLAIN\")) != null" "AUTH PLAIN advertised before TLS"

# Exit codes: a fail finding exits 1 under the default gate; --ignore
# lifts it.
rc=0; "$RELAYCTL" check smtp "127.0.0.1:$PC" >/dev/null || rc=$?
[ $rc = 1 ] || die "C: exit code $rc, want 1 (smtp.no-starttls is a fail)"
rc=0; "$RELAYCTL" check smtp "127.0.0.1:$PC" --ignore 'smtp.*' >/dev/null || rc=$?
[ $rc = 0 ] || die "C: exit code $rc with --ignore 'smtp.*', want 0"
echo "   ok  exit codes 1 and 0 (--ignore)"

# The probes never sent a message: nothing was queued.
n=$(find "$dir/queue/incoming" "$dir/queue/active" "$dir/queue/deferred" "$dir/queue/maildrop" -type f 2>/dev/null | wc -l)
[ "$n" = 0 ] || die "the probes left $n message(s) in the queue"

t_end=$(date +%s)
say "postfix-e2e: PASS (up in $((t_up - t0))s incl. install/build, probes in $((t_end - t_up))s)"
