#!/usr/bin/env bash
# End-to-end test of `relayctl report fetch` (checks/imapfetch) against a
# real IMAP server: Debian's Dovecot.
#
# It installs dovecot-imapd when missing, makes a test CA and a server
# certificate for 127.0.0.1, and starts a PRIVATE Dovecot — its own
# config, base and state folders, log and Maildir in a temporary folder,
# listening on 127.0.0.1 only (imaps on 42993, imap+STARTTLS on 42143),
# one test user in a passwd-file — then writes report emails (an
# aggregate report as .xml.gz, a TLS report as .json.gz, a failure
# report, a plain email) into the user's Maildir and checks:
#   - fetch over imaps with --ca and --db stores the records;
#   - a second fetch stores nothing new (dedupe by org and report id);
#   - without --ca the certificate is refused (exit 3);
#   - a wrong password is a login failure that never shows the password;
#   - fetch over STARTTLS with --move-to Archive moves every message, and
#     a fetch after it reads none.
# Dovecot is stopped on exit, whatever happens; the system's dovecot
# service is never started or touched.
#
# Run as root on Debian. The whole run is bounded by DOVECOT_E2E_TIMEOUT.
#
# Environment:
#   DOVECOT_E2E_IMAPS    imaps port (default 42993)
#   DOVECOT_E2E_IMAP     imap+STARTTLS port (default 42143)
#   DOVECOT_E2E_TIMEOUT  limit for the whole run, seconds (default 600)
#   DOVECOT_E2E_KEEP     set to 1 to keep the temp folder
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$self")/.."
export PATH="$PATH:/usr/sbin:/sbin"

say() { printf '== %s\n' "$*"; }
die() { printf 'dovecot-e2e: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts dovecot)"

# shellcheck source=lib/limit.sh
. scripts/lib/limit.sh
e2e_limit dovecot-e2e DOVECOT_E2E_TIMEOUT 600 "$self" "$@"

imaps=${DOVECOT_E2E_IMAPS:-42993}
imap=${DOVECOT_E2E_IMAP:-42143}
policy_made=
tmp=
dovecot_pid=
cleanup() {
	if [ -n "$policy_made" ]; then rm -f /usr/sbin/policy-rc.d; fi
	if [ -n "$dovecot_pid" ] && kill -0 "$dovecot_pid" 2>/dev/null; then
		kill "$dovecot_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$dovecot_pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$dovecot_pid" 2>/dev/null || true
	fi
	if [ -n "$tmp" ]; then
		if [ "${ok:-}" != 1 ] && [ -f "$tmp/dovecot.log" ]; then
			echo "--- dovecot.log"; tail -40 "$tmp/dovecot.log"
		fi
		if [ "${DOVECOT_E2E_KEEP:-}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- install ------------------------------------------------------------------
if ! command -v dovecot >/dev/null 2>&1 || [ ! -e /usr/lib/dovecot/imap ]; then
	export DEBIAN_FRONTEND=noninteractive
	# The postinst would start the system dovecot: say no for this install.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\n# dovecot-e2e.sh: start no service while it installs packages\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy_made=1
	fi
	if ! grep -q 'Candidate: [0-9]' <<<"$(LC_ALL=C apt-cache policy dovecot-imapd 2>/dev/null || true)"; then
		say "apt-get update (no dovecot-imapd in the package lists)"
		apt-get update -qq -o DPkg::Lock::Timeout=300
	fi
	say "installing dovecot-imapd"
	if ! apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends dovecot-imapd >/dev/null; then
		dpkg --configure -a || true
		apt-get update -qq -o DPkg::Lock::Timeout=300
		apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends dovecot-imapd >/dev/null
	fi
	if [ -n "$policy_made" ]; then rm -f /usr/sbin/policy-rc.d; policy_made=; fi
fi
say "dovecot $(dovecot --version)"
command -v openssl >/dev/null || die "openssl is missing"

tmp=$(mktemp -d /tmp/dovecot-e2e.XXXXXX)
chmod 755 "$tmp"

# --- certificates ---------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=relayctl e2e test CA" -keyout "$tmp/ca.key" -out "$tmp/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$tmp/ext.cnf"
openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
	-days 2 -extfile "$tmp/ext.cnf" -out "$tmp/server.pem" 2>/dev/null

# --- dovecot --------------------------------------------------------------------
user=dmarc
password="e2e-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf '%s:{PLAIN}%s\n' "$user" "$password" >"$tmp/users"
mkdir -p "$tmp/run" "$tmp/state" "$tmp/home/$user"
chown -R nobody:nogroup "$tmp/home"
cat >"$tmp/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $tmp/run
state_dir = $tmp/state
log_path = $tmp/dovecot.log
ssl = yes
ssl_cert = <$tmp/server.pem
ssl_key = <$tmp/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $tmp/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$tmp/home/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps
    ssl = yes
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
CONF
dovecot -F -c "$tmp/dovecot.conf" &
dovecot_pid=$!
for _ in $(seq 100); do
	if (exec 3<>/dev/tcp/127.0.0.1/"$imaps") 2>/dev/null; then break; fi
	kill -0 "$dovecot_pid" 2>/dev/null || die "dovecot did not start"
	sleep 0.1
done
(exec 3<>/dev/tcp/127.0.0.1/"$imaps") 2>/dev/null || die "dovecot does not listen on $imaps"
say "dovecot listens on 127.0.0.1:$imaps (imaps) and :$imap (STARTTLS)"

# --- report emails ---------------------------------------------------------------
maildir="$tmp/home/$user/Maildir"
mkdir -p "$maildir/new" "$maildir/cur" "$maildir/tmp"
n=0
deliver() { # FILE
	n=$((n + 1))
	cp "$1" "$maildir/new/$(date +%s).e2e$n.localhost"
}
attach() { # CONTENT-TYPE FILE NAME
	printf 'From: noreply@receiver.example\r\nTo: dmarc@example.com\r\nSubject: Report %s\r\nMessage-ID: <e2e-%s@receiver.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nA report.\r\n--b\r\nContent-Type: %s; name="%s"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--b--\r\n' \
		"$3" "$3" "$1" "$3" "$(base64 -w 76 "$2" | sed 's/$/\r/')"
}
gzip -c testdata/report/example.com-rfc7489.xml >"$tmp/agg.xml.gz"
gzip -c testdata/report/example.com-tlsrpt.json >"$tmp/tls.json.gz"
attach application/gzip "$tmp/agg.xml.gz" agg.xml.gz >"$tmp/m1.eml"
attach application/tlsrpt+gzip "$tmp/tls.json.gz" tls.json.gz >"$tmp/m2.eml"
printf 'From: someone@example.net\r\nTo: dmarc@example.com\r\nSubject: hello\r\n\r\nNot a report.\r\n' >"$tmp/m4.eml"
deliver "$tmp/m1.eml"
deliver "$tmp/m2.eml"
deliver testdata/report/example.com-afrf.eml
deliver "$tmp/m4.eml"
chown -R nobody:nogroup "$maildir"

# --- relayctl -------------------------------------------------------------------
say "building relayctl"
bin="$tmp/relayctl"
CGO_ENABLED=0 go build -o "$bin" ./cmd/relayctl
export RELAYCTL_IMAP_PASSWORD="$password"
url="imaps://$user@127.0.0.1:$imaps/INBOX"

say "fetch over imaps with --db"
"$bin" report fetch --imap "$url" --ca "$tmp/ca.pem" --db "$tmp/r.sqlite" -o ndjson >"$tmp/out1" 2>"$tmp/err1" ||
	{ cat "$tmp/err1"; die "first fetch failed"; }
records=$(wc -l <"$tmp/out1")
[ "$records" = 6 ] || { cat "$tmp/out1" "$tmp/err1"; die "first fetch: $records records, want 6 (3 aggregate, 2 tlsrpt, 1 failure)"; }
grep -q '4 messages read, 0 moved' "$tmp/err1" || { cat "$tmp/err1"; die "first fetch: want 4 messages read"; }
[ "$(grep -c '"type":"dmarc-aggregate"' "$tmp/out1")" = 3 ] || die "want 3 aggregate records"
grep -q 'not a report' "$tmp/err1" || die "the plain email was not reported as no report"

say "a second fetch stores nothing new"
"$bin" report fetch --imap "$url" --ca "$tmp/ca.pem" --db "$tmp/r.sqlite" >"$tmp/out2" 2>"$tmp/err2" ||
	{ cat "$tmp/err2"; die "second fetch failed"; }
grep -q '6 records already in the database' "$tmp/out2" || { cat "$tmp/out2"; die "second fetch: the records were stored again"; }
"$bin" report summary --db "$tmp/r.sqlite" --no-dns -o json >"$tmp/sum" || die "summary --db failed"
grep -q '"messages": 163' "$tmp/sum" || { head -40 "$tmp/sum"; die "summary: want the aggregate report's 163 messages counted once"; }

say "without --ca the certificate is refused"
rc=0
"$bin" report fetch --imap "$url" >/dev/null 2>"$tmp/err3" || rc=$?
[ $rc = 3 ] || { cat "$tmp/err3"; die "no --ca: exit $rc, want 3"; }
grep -qi 'certificate' "$tmp/err3" || { cat "$tmp/err3"; die "no --ca: the error does not name the certificate"; }

say "a wrong password fails the login and is never shown"
rc=0
RELAYCTL_IMAP_PASSWORD="wrong-$password" "$bin" report fetch --imap "$url" --ca "$tmp/ca.pem" >/dev/null 2>"$tmp/err4" || rc=$?
[ $rc = 3 ] || { cat "$tmp/err4"; die "wrong password: exit $rc, want 3"; }
grep -q 'login as dmarc failed' "$tmp/err4" || { cat "$tmp/err4"; die "wrong password: no login error"; }
if grep -q -- "$password" "$tmp/err4"; then die "the password appears in the error"; fi

say "fetch over STARTTLS with --move-to Archive"
"$bin" report fetch --imap "imap://$user@127.0.0.1:$imap/INBOX" --ca "$tmp/ca.pem" --db "$tmp/r.sqlite" --move-to Archive >/dev/null 2>"$tmp/err5" ||
	{ cat "$tmp/err5"; die "STARTTLS fetch failed"; }
grep -q '4 messages read, 4 moved' "$tmp/err5" || { cat "$tmp/err5"; die "want 4 messages moved"; }
left=$(find "$maildir/new" "$maildir/cur" -type f | wc -l)
archived=$(find "$maildir/.Archive/new" "$maildir/.Archive/cur" -type f 2>/dev/null | wc -l)
[ "$left" = 0 ] && [ "$archived" = 4 ] || die "after --move-to: $left messages left in INBOX, $archived in Archive (want 0 and 4)"
"$bin" report fetch --imap "$url" --ca "$tmp/ca.pem" >/dev/null 2>"$tmp/err6" || die "fetch of the empty INBOX failed"
grep -q '0 messages read' "$tmp/err6" || { cat "$tmp/err6"; die "the INBOX is not empty after --move-to"; }

ok=1
say "dovecot-e2e: PASS"
