#!/usr/bin/env bash
# End-to-end test of `relayctl verify --smtp` against a real Postfix from
# Debian's packages: a PRIVATE instance (scripts/lib/postfix.sh) on
# 127.0.0.1 that is the final destination of the virtual mailbox domain
# relayctl.test, with one mailbox (ann@relayctl.test) and
# smtpd_reject_unlisted_recipient, so that RCPT TO an unknown user is
# refused with 550 5.1.1. relayctl finds the domain's MX in a zone file
# (--zone --offline: relayctl.test MX -> 127.0.0.1) and connects to the
# instance's port with the test-only --smtp-port. Nothing is delivered
# (the virtual transport discards), no DATA is sent, and no traffic leaves
# 127.0.0.0/8.
#
# Asserts: ann → deliverable (250, STARTTLS used, not a catch-all);
# nobody → undeliverable (550 5.1.1, verify.mailbox-missing); one SMTP
# connection for both; the exit code 1; Postfix's log has no DATA.
#
# Environment:
#   RELAYCTL         relayctl binary to test (default: built from this repo)
#   VERIFY_E2E_PORT  the listener's port (default 42535)
#   VERIFY_E2E_KEEP  set to 1 to keep the temp folder
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)

say() { printf '== %s\n' "$*"; }
die() { printf 'verify-e2e: FAIL: %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok   %s\n' "$*"; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts postfix)"

# shellcheck source=lib/postfix.sh
. scripts/lib/postfix.sh
pf_install
pf_relayctl verify-e2e

PV=${VERIFY_E2E_PORT:-42535}
for old in /tmp/verify-e2e.*/etc; do
	[ -f "$old/main.cf" ] || continue
	if postfix -c "$old" status >/dev/null 2>&1; then
		say "stopping a leftover instance ($old)"
		script -qec "postfix -c $old stop" /dev/null >/dev/null 2>&1 || true
		sleep 1
	fi
done
pf_ports_free VERIFY_E2E_PORT "$PV"
pf_newdir verify-e2e "${VERIFY_E2E_KEEP:-}"
pf_cert
# The shared base names a SASL config; this instance offers no AUTH.
: >"$dir/etc/sasl/smtpd.conf"

{
	pf_main_base
	cat <<EOF
# relayctl.test is a virtual mailbox domain with one mailbox; RCPT TO any
# other user is refused at once (550 5.1.1 User unknown in virtual
# mailbox table).
virtual_mailbox_domains = relayctl.test
virtual_mailbox_maps = inline:{ ann@relayctl.test=ann/ }
smtpd_reject_unlisted_recipient = yes
virtual_transport = discard:verify-e2e delivers nothing
default_transport = discard:verify-e2e delivers nothing
local_transport = discard:verify-e2e delivers nothing
smtpd_banner = \$myhostname ESMTP relayctl-verify-e2e
smtpd_sasl_auth_enable = no
EOF
} >"$dir/etc/main.cf"
{
	cat <<EOF
127.0.0.1:$PV inet n - n - - smtpd
  -o syslog_name=verify-e2e
EOF
	pf_master_services
} >"$dir/etc/master.cf"

cat >"$dir/relayctl.test.zone" <<'EOF'
$ORIGIN relayctl.test.
$TTL 300
@ SOA ns hostmaster 1 3600 600 86400 300
@ MX 10 mx
mx A 127.0.0.1
EOF

say "starting postfix -c $dir/etc (port $PV)"
pf_start "$PV"

say "relayctl verify --smtp"
rc=0
"$RELAYCTL" verify --zone "$dir/relayctl.test.zone" --offline --smtp --from e2e@sender.example \
	--ehlo client.relayctl.test --smtp-port "$PV" --timeout 20s -o ndjson --no-progress \
	ann@relayctl.test nobody@relayctl.test >"$dir/out.ndjson" 2>"$dir/out.err" || rc=$?
cat "$dir/out.ndjson"
[ "$rc" = 1 ] || { cat "$dir/out.err" >&2; die "exit code $rc, want 1 (an undeliverable address)"; }
ok "exit code 1"

# expect ADDRESS JQ-EXPR DESCRIPTION
expect() {
	if ! jq -se --arg a "$1" "map(select(.address == \$a))[0] | $2" "$dir/out.ndjson" >/dev/null; then
		cat "$dir/out.err" >&2
		die "$1: expected $3 ($2)"
	fi
	ok "$1: $3"
}
expect ann@relayctl.test '.verdict == "deliverable" and .smtp.code == 250' "deliverable (250)"
expect ann@relayctl.test '.smtp.tls == true and .smtp.catch_all == false' "over STARTTLS, and the domain is not a catch-all"
expect nobody@relayctl.test '.verdict == "undeliverable" and .smtp.code == 550 and .smtp.status == "5.1.1"' "undeliverable (550 5.1.1)"
expect nobody@relayctl.test '[.reasons[].code] | index("verify.mailbox-missing") != null' "reason verify.mailbox-missing"
grep -q '2 addresses: 1 deliverable, 1 undeliverable; 1 SMTP connections' "$dir/out.err" || { cat "$dir/out.err" >&2; die "summary: want one SMTP connection for both"; }
ok "one SMTP connection for both addresses"

for _ in $(seq 30); do grep -q 'disconnect from' "$dir/maillog" && break; sleep 0.1; done
grep -q 'disconnect from.* rcpt=1/3' "$dir/maillog" || { tail -n 20 "$dir/maillog" >&2; die "postfix log: want 3 RCPTs (the catch-all test, ann, nobody), 1 accepted"; }
# Postfix counts each command it saw on the disconnect line: data=N
# would be there had DATA been sent.
if grep 'disconnect from' "$dir/maillog" | grep -q ' data='; then
	die "DATA was sent"
fi
ok "postfix saw 3 RCPTs, 1 accepted, and no DATA"

say "verify-e2e: all passed in $(($(date +%s) - t0))s"
