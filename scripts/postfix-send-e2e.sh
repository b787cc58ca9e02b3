#!/usr/bin/env bash
# End-to-end test of `relayctl send` against a real Postfix from Debian's
# packages: messages go in through SASL AUTH (PLAIN and LOGIN) after
# STARTTLS on a submission port and through implicit TLS on another, and
# come back out of Postfix's Maildir, where they are checked header by
# header — the queue id relayctl reports must be the one Postfix wrote.
#
# Like scripts/postfix-e2e.sh (the `check smtp` test; the two share the
# code in scripts/lib/postfix.sh, not the instance), it installs what is
# missing, builds a PRIVATE Postfix instance in a temporary folder — own
# config, queue, data, log and mailboxes, no chroot, 127.0.0.1 only — and
# stops and removes it whatever happens. /etc/postfix is never touched
# and nothing leaves 127.0.0.0/8: the only domain delivered is
# relayctl.test, to local Maildirs; every other transport is the error
# transport.
#
# Listeners (ports POSTFIX_SEND_E2E_BASE + 0..1, default 42625..42626):
#   S  submission: STARTTLS required, AUTH (Cyrus sasldb: PLAIN LOGIN) after
#      TLS, only authenticated clients may send
#   I  implicit TLS (smtpd_tls_wrappermode=yes, like 465), AUTH required
#
# Run as root on Debian (apt-get, postfix). Environment:
#   RELAYCTL                relayctl binary to test (default: built here)
#   POSTFIX_SEND_E2E_BASE   first port (default 42625)
#   POSTFIX_SEND_E2E_KEEP   1 keeps the temporary folder
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
t0=$(date +%s)

say() { printf '== %s\n' "$*"; }
die() { printf 'postfix-send-e2e: FAIL: %s\n' "$*" >&2; exit 1; }
ok() { printf '   ok  %s\n' "$*"; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts postfix)"

# shellcheck source=lib/postfix.sh
. scripts/lib/postfix.sh
pf_install
pf_relayctl send-e2e

# --- the private instance ----------------------------------------------------
base=${POSTFIX_SEND_E2E_BASE:-42625}
PS=$base PI=$((base + 1))
pf_ports_free POSTFIX_SEND_E2E_BASE $PS $PI

pf_newdir postfix-send-e2e "${POSTFIX_SEND_E2E_KEEP:-}"
mkdir -p "$dir/mail" "$dir/in"
# The virtual delivery agent writes the Maildirs as nobody.
chown nobody:nogroup "$dir/mail"

pf_cert
password='e2e-Secret-pw-7f3a'
pf_sasl_user "$dir/sasldb2" "$password"

cat >"$dir/etc/vmailbox" <<EOF
inbox@relayctl.test inbox/
bcc@relayctl.test bcc/
EOF

{
	pf_main_base
	cat <<EOF
# relayctl.test is delivered to Maildirs (the trailing slash) as nobody;
# nothing else is delivered anywhere.
virtual_mailbox_domains = relayctl.test
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$dir/etc/vmailbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_transport = virtual
default_transport = error:postfix-send-e2e delivers only to relayctl.test
relay_transport = error:postfix-send-e2e delivers only to relayctl.test
local_transport = error:postfix-send-e2e delivers only to relayctl.test
smtpd_banner = \$myhostname ESMTP relayctl-send-e2e
smtpd_tls_received_header = yes
smtpd_sasl_auth_enable = yes
smtpd_tls_auth_only = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
EOF
} >"$dir/etc/main.cf"

{
	cat <<EOF
127.0.0.1:$PS inet n - n - - smtpd
  -o syslog_name=send-e2e-S
  -o smtpd_tls_security_level=encrypt
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$PI inet n - n - - smtpd
  -o syslog_name=send-e2e-I
  -o smtpd_tls_wrappermode=yes
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
EOF
	pf_master_services
} >"$dir/etc/master.cf"

say "starting postfix -c $dir/etc (submission S=$PS, implicit TLS I=$PI)"
pf_start $PS $PI
t_up=$(date +%s)

# --- what to send --------------------------------------------------------------
head -c 3000 /dev/urandom >"$dir/in/blob.bin"
printf 'Grüße,\n.a line with a leading dot\nthe end\n' >"$dir/in/body.txt"
printf '<p>Hello <b>HTML</b></p>\n' >"$dir/in/body.html"
openssl genpkey -algorithm ed25519 -out "$dir/in/dkim.pem" 2>/dev/null

# sendmsg NAME ARGS...: relayctl send -o json with the password from the
# environment; the record goes to $dir/NAME.json, stderr (the -v
# transcript) to $dir/NAME.err, the exit code to $rc.
sendmsg() {
	local name=$1
	shift
	rc=0
	RELAYCTL_PASSWORD=$password "$RELAYCTL" send -o json -v --timeout 20s --ca "$dir/tls/cert.pem" \
		--from 'E2E Sender <e2e@relayctl.test>' "$@" >"$dir/$name.json" 2>"$dir/$name.err" || rc=$?
}
# expect NAME [--arg K V]... JQ-EXPR DESCRIPTION
expect() {
	local name=$1
	local args=()
	shift
	while [ "$1" = --arg ]; do
		args+=("$1" "$2" "$3")
		shift 3
	done
	if ! jq -e "${args[@]}" "$1" "$dir/$name.json" >/dev/null; then
		jq . "$dir/$name.json" >&2 || cat "$dir/$name.json" >&2
		cat "$dir/$name.err" >&2
		die "$name: expected $2 ($1)"
	fi
	ok "$name: $2"
}
want_rc() {
	[ "$rc" = "$2" ] || { cat "$dir/$1.json" "$dir/$1.err" >&2; die "$1: exit code $rc, want $2"; }
}

say "relayctl send"
sendmsg plain --server "127.0.0.1:$PS" --tls starttls --user e2e --auth PLAIN \
	--to inbox@relayctl.test --bcc bcc@relayctl.test --subject 'E2E PLAIN über STARTTLS' \
	--body "@$dir/in/body.txt" --html "@$dir/in/body.html" --attach "$dir/in/blob.bin" \
	--header 'X-E2E: plain' --dkim-key "$dir/in/dkim.pem" --dkim-selector e2e
want_rc plain 0
expect plain '.result == "sent" and .failure == null' "sent"
expect plain '.tls.mode == "starttls" and .tls.verified and (.tls.version == "TLS1.3" or .tls.version == "TLS1.2")' "STARTTLS, certificate verified with --ca"
expect plain '.auth == "PLAIN" and (.accepted | sort) == ["bcc@relayctl.test", "inbox@relayctl.test"]' "AUTH PLAIN, both recipients accepted"
expect plain '.reply | test("^250 2\\.0\\.0 Ok: queued as ")' "Postfix's queue reply"
expect plain '.queue_id as $q | ($q | length) > 5 and (.reply | endswith($q))' "queue id parsed from the reply"

sendmsg login --server "127.0.0.1:$PS" --user e2e --auth LOGIN \
	--to inbox@relayctl.test --subject 'E2E LOGIN' --body 'login body' --header 'X-E2E: login'
want_rc login 0
expect login '.result == "sent" and .auth == "LOGIN" and .tls.mode == "starttls"' "AUTH LOGIN after STARTTLS (--tls auto)"

sendmsg implicit --server "127.0.0.1:$PI" --tls implicit --user e2e \
	--to inbox@relayctl.test --subject 'E2E implicit' --body 'implicit body' --header 'X-E2E: implicit'
want_rc implicit 0
expect implicit '.result == "sent" and .tls.mode == "implicit" and .tls.verified' "implicit TLS"
expect implicit '.auth == "PLAIN"' "--auth auto picks PLAIN of PLAIN LOGIN"

# Refusals, each with its exit code.
RELAYCTL_PASSWORD=wrong-password "$RELAYCTL" send -o json --ca "$dir/tls/cert.pem" --server "127.0.0.1:$PS" \
	--user e2e --from e2e@relayctl.test --to inbox@relayctl.test --body x >"$dir/badpw.json" 2>"$dir/badpw.err" && rc=0 || rc=$?
want_rc badpw 1
expect badpw '.result == "rejected" and .failure == "auth" and (.reply | test("^535"))' "wrong password: 535, exit 1"
"$RELAYCTL" send -o json --ca "$dir/tls/cert.pem" --server "127.0.0.1:$PS" \
	--from e2e@relayctl.test --to inbox@relayctl.test --body x >"$dir/noauth.json" 2>"$dir/noauth.err" && rc=0 || rc=$?
want_rc noauth 1
expect noauth '.result == "rejected" and .failure == "recipient" and .rejected[0].code == 554' "no AUTH: recipient refused, exit 1"
"$RELAYCTL" send -o json --server "127.0.0.1:$PS" --user e2e --tls none \
	--from e2e@relayctl.test --to inbox@relayctl.test --body x >"$dir/clear.json" 2>"$dir/clear.err" && rc=0 || rc=$?
want_rc clear 2
ok "clear: --tls none with credentials is refused before connecting (exit 2)"
"$RELAYCTL" send -o json --server "127.0.0.1:$PS" --user e2e \
	--from e2e@relayctl.test --to inbox@relayctl.test --body x >"$dir/nopw.json" 2>"$dir/nopw.err" && rc=0 || rc=$?
want_rc nopw 2
grep -q 'RELAYCTL_PASSWORD' "$dir/nopw.err" || die "nopw: no hint at RELAYCTL_PASSWORD"
ok "nopw: --user without a password: exit 2, pointing at RELAYCTL_PASSWORD"
RELAYCTL_PASSWORD=$password "$RELAYCTL" send -o json --server "127.0.0.1:$PS" --user e2e \
	--from e2e@relayctl.test --to inbox@relayctl.test --body x >"$dir/untrusted.json" 2>"$dir/untrusted.err" && rc=0 || rc=$?
want_rc untrusted 3
expect untrusted '.result == "failed" and .failure == "tls" and (.error | test("not trusted"))' "self-signed certificate without --ca: exit 3"

# No output anywhere holds the password or its base64 forms.
b64=$(printf '%s' "$password" | base64 -w0)
plain_b64=$(printf '\0e2e\0%s' "$password" | base64 -w0)
if grep -rqF -e "$password" -e "$b64" -e "$plain_b64" "$dir"/*.json "$dir"/*.err; then
	die "the password appears in relayctl's output"
fi
grep -q 'AUTH PLAIN <redacted>' "$dir/plain.err" || die "the -v transcript shows no redacted AUTH"
ok "the password (and its base64 forms) appear in no record, transcript or error"

# --- read the messages back from the Maildirs ----------------------------------
say "reading the Maildirs"
for _ in $(seq 150); do
	n=$(find "$dir/mail/inbox/new" "$dir/mail/bcc/new" -type f 2>/dev/null | wc -l)
	[ "$n" -ge 4 ] && break
	sleep 0.2
done
[ "$n" = 4 ] || die "$n messages delivered, want 4 (3 in inbox, 1 in bcc)"
ok "4 messages delivered (inbox 3, bcc 1)"

# msgfile TAG: the delivered inbox message with X-E2E: TAG.
msgfile() { grep -l "^X-E2E: $1" "$dir"/mail/inbox/new/* | head -n1; }
# header FILE NAME: a header's unfolded value.
header() { awk -v n="$2" 'BEGIN{IGNORECASE=1} /^\r?$/{exit} /^[^ \t]/{on=tolower($0) ~ "^" tolower(n) ":"} on{sub(/\r$/,""); printf "%s", $0}' "$1" | sed "s/^[^:]*: *//"; }

f=$(msgfile plain) || die "no message with X-E2E: plain"
qid=$(jq -r .queue_id "$dir/plain.json")
mid=$(jq -r .message_id "$dir/plain.json")
grep -q "with ESMTPSA id $qid" "$f" || die "the Received header does not carry relayctl's queue id $qid"
ok "plain: Postfix's Received header has the queue id relayctl reported ($qid)"
[ "$(header "$f" Message-ID)" = "$mid" ] || die "Message-ID $(header "$f" Message-ID) != $mid"
ok "plain: Message-ID as reported"
[ "$(header "$f" Subject)" = '=?utf-8?q?E2E_PLAIN_=C3=BCber_STARTTLS?=' ] || die "Subject: $(header "$f" Subject)"
ok "plain: RFC 2047 subject"
[[ "$(header "$f" From)" == *'"E2E Sender" <e2e@relayctl.test>'* ]] || die "From: $(header "$f" From)"
grep -qi '^Bcc:' "$f" && die "the message carries a Bcc header"
grep -qi '^Bcc:' "$dir"/mail/bcc/new/* && die "the Bcc copy carries a Bcc header"
grep -q "^Message-ID: $mid" "$dir"/mail/bcc/new/* || die "the Bcc recipient did not get the same message"
ok "plain: From as given; Bcc recipient got the message, nobody sees a Bcc header"
sig=$(header "$f" DKIM-Signature)
for tag in 'a=ed25519-sha256' 'c=relaxed/relaxed' 'd=relayctl.test' 's=e2e'; do
	[[ "$sig" == *"$tag;"* ]] || die "DKIM-Signature lacks $tag: $sig"
done
# Verify it for real (go-msgauth), with the public key as the TXT record.
pub=$(openssl pkey -in "$dir/in/dkim.pem" -pubout -outform DER | tail -c 32 | base64 -w0)
(cd "$repo" && go run ./scripts/dkimverify "$f" "e2e._domainkey.relayctl.test=v=DKIM1; k=ed25519; p=$pub") >"$dir/dkim.out" 2>&1 ||
	{ cat "$dir/dkim.out" >&2; die "the delivered message's DKIM signature does not verify"; }
ok "plain: DKIM-Signature (ed25519-sha256, relaxed/relaxed) verifies after delivery: $(cat "$dir/dkim.out")"
grep -q '^Content-Type: multipart/mixed' "$f" && grep -q '^Content-Type: multipart/alternative' "$f" || die "not multipart/mixed around multipart/alternative"
grep -q '^Content-Type: text/html; charset=utf-8' "$f" || die "no HTML part"
grep -q '^=2Ea line with a leading dot\|^\.a line with a leading dot' "$f" || die "the leading-dot line is gone"
# The attachment decodes to the same bytes.
awk '/filename=blob.bin/{on=1; next} on && /^\r?$/{if (started) exit; started=1; next} on && started{sub(/\r$/,""); print}' "$f" |
	base64 -d >"$dir/blob.out" 2>/dev/null || true
cmp -s "$dir/in/blob.bin" "$dir/blob.out" || die "the attachment does not decode to the file sent"
ok "plain: text, HTML and the base64 attachment (3000 random bytes) intact"

f=$(msgfile login) || die "no message with X-E2E: login"
grep -q "with ESMTPSA id $(jq -r .queue_id "$dir/login.json")" "$f" || die "login: queue id"
grep -q '^login body' "$f" || die "login: body"
ok "login: delivered with its queue id and body"
f=$(msgfile implicit) || die "no message with X-E2E: implicit"
grep -q "with ESMTPSA id $(jq -r .queue_id "$dir/implicit.json")" "$f" || die "implicit: queue id"
ok "implicit: delivered with its queue id"
# The trace as checks/received reads it (the parser behind `check message`).
f=$(msgfile plain)
(cd "$repo" && go run ./scripts/tracecheck "$f") >"$dir/trace.json" 2>"$dir/trace.err" ||
	{ cat "$dir/trace.json" "$dir/trace.err" >&2; die "tracecheck: Postfix's Received header could not be read"; }
jq -e --arg q "$(jq -r .queue_id "$dir/plain.json")" '.hops[-1].header | .id == $q and .with == "ESMTPSA" and .tls == "yes"
	and .authenticated == "yes" and (.tls_version | test("^TLSv1\\.[23]$")) and .from.ip == "127.0.0.1" and .by != "" and .date != ""' \
	"$dir/trace.json" >/dev/null || { jq . "$dir/trace.json" >&2; die "tracecheck: Postfix's Received header read wrong"; }
jq -e '.facts.client_ip.value == "127.0.0.1" and .facts.mail_from.value == "e2e@relayctl.test" and .hops[-1].delay_s >= 0' \
	"$dir/trace.json" >/dev/null || { jq . "$dir/trace.json" >&2; die "tracecheck: trace facts wrong"; }
ok "plain: checks/received reads Postfix's Received header: queue id, ESMTPSA, TLS version, client 127.0.0.1, Return-Path"
# relayctl check message on the delivered file, against a test zone with
# the DKIM public key at e2e._domainkey, SPF for the MAIL FROM domain
# allowing 127.0.0.1 and a DMARC policy: DKIM, SPF (the client address
# from the Received field Postfix added) and DMARC pass.
cat >"$dir/relayctl.test.zone" <<EOF
\$ORIGIN relayctl.test.
\$TTL 300
@              IN SOA ns hostmaster 1 7200 3600 1209600 300
@              IN TXT "v=spf1 ip4:127.0.0.1 -all"
_dmarc         IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@relayctl.test"
e2e._domainkey IN TXT "v=DKIM1; k=ed25519; p=$pub"
EOF
rc=0
"$RELAYCTL" check message "$f" --zone "$dir/relayctl.test.zone" --offline -o json >"$dir/msgcheck.json" 2>"$dir/msgcheck.err" || rc=$?
want_rc msgcheck 0
expect msgcheck --arg mid "$mid" '.command == "check message" and .target == $mid and .status == "ok"' "check message: one report, target the Message-ID"
expect msgcheck '.checks[] | select(.name == "dkim") | .data.signatures | length == 1 and .[0].result == "pass" and .[0].domain == "relayctl.test" and .[0].selector == "e2e" and .[0].aligned' "check message: dkim pass, aligned"
expect msgcheck '.checks[] | select(.name == "spf") | .data | .result == "pass" and .ip == "127.0.0.1" and .domain == "relayctl.test" and (.facts.ip.source | startswith("Received")) and .facts.mail_from.source == "Return-Path[0]" and .aligned' "check message: spf pass for 127.0.0.1 (from Postfix's Received header; MAIL FROM from Return-Path)"
expect msgcheck '.checks[] | select(.name == "dmarc") | .data | .result == "pass" and .policy == "reject" and .disposition == "none" and .header_from == "relayctl.test"' "check message: dmarc pass (p=reject, disposition none)"
# The same message with its Subject changed: the signature fails with its
# cause (exit 1), and DMARC still passes on aligned SPF.
sed '0,/^Subject: /s//Subject: [EXT] /' "$f" >"$dir/altered.eml"
rc=0
"$RELAYCTL" check message "$dir/altered.eml" --zone "$dir/relayctl.test.zone" --offline -o json >"$dir/msgaltered.json" 2>"$dir/msgaltered.err" || rc=$?
want_rc msgaltered 1
expect msgaltered '.checks[] | select(.name == "dkim") | .data.signatures[0].cause == "signature-mismatch" and (.findings | map(.code) | index("dkim.signature-mismatch") != null)' "check message: a changed Subject gives dkim fail (signature-mismatch)"
expect msgaltered '.checks[] | select(.name == "dmarc") | .data.result == "pass"' "check message: DMARC still passes on SPF"
grep -q 'sasl_method=LOGIN, sasl_username=e2e' "$dir/maillog" && grep -q 'sasl_method=PLAIN, sasl_username=e2e' "$dir/maillog" ||
	die "Postfix's log does not show both SASL methods"
ok "Postfix logged sasl_method=PLAIN and sasl_method=LOGIN for e2e"

t_end=$(date +%s)
say "postfix-send-e2e: PASS (up in $((t_up - t0))s incl. install/build, sends and checks in $((t_end - t_up))s)"
