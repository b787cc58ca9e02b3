#!/usr/bin/env bash
# End-to-end test of `relayctl bounce parse` on bounces that real MTAs from
# Debian's packages generate, on loopback, in this run.
#
# MTAs (each a PRIVATE instance in one temporary folder: own config, spool,
# log and mailbox; nothing under /etc or /var/spool is used):
#   postfix  the installed package (scripts/lib/postfix.sh), as the sender
#            "tx.example.com", and as the receiving server "rx" on a second
#            listener of the same instance
#   exim     exim4-daemon-light, fetched with apt-get download and unpacked
#            into the folder (it conflicts with postfix as a package), run
#            with -C; the sender "tx.example.org"
#   opensmtpd  opensmtpd, unpacked the same way, run in a mount namespace
#            of its own (its paths are compiled in); the sender
#            "tx.example.net", fed over SMTP
#   sendmail sendmail-bin and sendmail-cf, unpacked; its sendmail.cf built
#            with m4 from a .mc in the folder, run with -C in a mount and
#            UTS namespace (it insists on a qualified host name, which is
#            given as tx.example.info with a private /etc/hosts, so that
#            it asks no DNS server); the sender "tx.example.info"
#   dma      the DragonFly Mail Agent, unpacked; its configuration, spool
#            and mailbox folder are compiled in, so it runs in a mount
#            namespace with a private /etc/dma (an overlay on /etc) and a
#            private /var; the sender "nobody@tx.dma.example" (a system
#            user: dma delivers the bounces to /var/mail/nobody)
#   courier  courier-mta, courier-base, courier-authlib and
#            libcourier-unicode4, unpacked; courierd runs in a mount
#            namespace with private /etc/courier, /var, /run and the
#            unpacked /usr (overlays); the sender "tx.courier.example",
#            whose DSNs (RFC 3464) go to a Maildir alias
# Each sends to the rx listener (Postfix smtpd, 127.0.0.1:BASE), to a port
# nobody listens on (BASE+1), and to its own local domain, so that it makes
# the failure classes below itself and returns them to a local mailbox:
#   unknown user (rx: 550 5.1.1; and the MTA's own local delivery),
#   mailbox full (rx: 552 5.2.2, from an access map: a reply configured as
#   a full mailbox's), message too big (rx: message_size_limit, 552 5.3.4),
#   relay denied (rx: reject_unauth_destination, 554 5.7.1), unroutable
#   domain (exim: no router), expired (connection refused and a short queue
#   lifetime / retry rule / queuetime; dma: a queue file dated back past its
#   compiled-in five days; OpenSMTPD: a recipient the rx listener defers
#   with 450, past a 3-second queue ttl), and a delay warning (exim:
#   delay_warning; courier: warntime 2s; sendmail: queuewarn 1s;
#   opensmtpd: bounce warn-interval 1s), which must yield no record
#   unless --include-delayed.
# Host-not-found: Exim has no router for the domain; Postfix, OpenSMTPD,
# Sendmail, dma and Courier look nowhere.example.invalid up in a DNS
# server of the run (scripts/zonedns on 127.0.0.1:53, every name
# NXDOMAIN), which their resolv.conf names alone: a mount namespace's, or
# for Postfix the chroot's of the one transport with DNS enabled
# (smtp_dns_support_level=disabled everywhere else). No lookup leaves
# the machine: every other destination is a 127.0.0.1 route or local,
# Postfix has no relayhost, Exim has no dnslookup router.
#
# Then it runs relayctl on each mailbox and asserts, per generated bounce,
# a record with the right recipient and a plausible reason and status.
#
# Run as root on Debian. The whole run is bounded by BOUNCE_E2E_TIMEOUT
# seconds (default 240); a warm run takes 20 to 30 seconds, most of it
# apt-get download and Postfix's start; Courier's expiry (queuetime 5s)
# runs while the MTAs after it are set up.
#
# Environment:
#   RELAYCTL            relayctl binary to test (default: built from this repo)
#   BOUNCE_E2E_BASE     first port (default 42625; uses BASE..BASE+2, and
#                       127.0.0.1:53 when free)
#   BOUNCE_E2E_KEEP     1 keeps the temp folder (mailboxes, logs)
#   BOUNCE_E2E_TIMEOUT  seconds for the whole run (default 240)
set -euo pipefail
if [ -z "${BOUNCE_E2E_INNER:-}" ]; then
	exec timeout --kill-after=10 "${BOUNCE_E2E_TIMEOUT:-240}" env BOUNCE_E2E_INNER=1 "$0" "$@"
fi
cd "$(dirname "$0")/.."
t0=$(date +%s)

say() { printf '== %s\n' "$*"; }
die() { printf 'bounce-e2e: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts MTAs)"

# shellcheck source=lib/postfix.sh
. scripts/lib/postfix.sh
pf_install
pf_relayctl bounce-e2e

base=${BOUNCE_E2E_BASE:-42625}
RX=$base DEAD=$((base + 1)) OS=$((base + 2))
# A run killed before its trap ran leaves its instance up: stop those
# (only instances this script made).
for old in /tmp/bounce-e2e.*/etc; do
	[ -f "$old/main.cf" ] || continue
	if postfix -c "$old" status >/dev/null 2>&1; then
		say "stopping a leftover instance ($old)"
		script -qec "postfix -c $old stop" /dev/null >/dev/null 2>&1 || true
		sleep 1
	fi
done
pf_ports_free BOUNCE_E2E_BASE $RX $DEAD $OS
pf_newdir bounce-e2e "${BOUNCE_E2E_KEEP:-}"
# OpenSMTPD runs in the foreground; stop it before pf_cleanup (the trap
# pf_newdir set) stops Postfix and removes the folder; pf_cleanup reads the
# exit status from $?, which the if hands it under set -e.
os_pid= dns_pid=
# (unshare --fork ignores SIGTERM; --kill-child takes smtpd down with it.)
trap 'rc=$?; cr_stop; [ -z "$dns_pid" ] || { kill "$dns_pid" 2>/dev/null; wait "$dns_pid" 2>/dev/null || true; }; [ -z "$os_pid" ] || { kill -KILL "$os_pid" 2>/dev/null; wait "$os_pid" 2>/dev/null || true; }; if (exit $rc); then pf_cleanup; else pf_cleanup; fi' EXIT
pf_cert

# --- A DNS server of the run, for host-not-found ----------------------------
# scripts/zonedns on 127.0.0.1:53 serves the root zone with nothing in
# it: every name is NXDOMAIN. An MTA whose namespace mounts
# $dir/resolv.conf (nameserver 127.0.0.1) over /etc/resolv.conf asks
# it, and nothing else, about nowhere.example.invalid. Port 53 is the
# one resolv.conf cannot change; when it is taken, the class is left
# out (said so) rather than asked of another server.
dns_setup() {
	HOSTUNKNOWN=
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$dir/resolv.conf"
	go build -o "$dir/zonedns" ./scripts/zonedns
	printf '. 300 IN SOA ns.invalid. hostmaster.invalid. 1 7200 3600 1209600 300\n' >"$dir/root.zone"
	"$dir/zonedns" 127.0.0.1:53 "$dir/root.zone" >"$dir/zonedns.log" 2>&1 &
	dns_pid=$!
	for _ in $(seq 50); do
		if grep -q '^listening' "$dir/zonedns.log"; then
			HOSTUNKNOWN=lost@nowhere.example.invalid=hostunknown
			return 0
		fi
		if ! kill -0 "$dns_pid" 2>/dev/null; then
			wait "$dns_pid" || true
			dns_pid=
			say "host-not-found is left out: $(cat "$dir/zonedns.log")"
			return 0
		fi
		sleep 0.1
	done
	cat "$dir/zonedns.log" >&2
	die "zonedns does not answer on 127.0.0.1:53"
}

# --- Exim, unpacked from its Debian package -----------------------------------
exim_setup() {
	local debs=$dir/debs
	mkdir -p "$debs"
	say "fetching exim4-daemon-light (apt-get download) and its libraries"
	export DEBIAN_FRONTEND=noninteractive
	# Its one library postfix does not already pull in.
	dpkg -s libidn12 >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends libidn12 >/dev/null
	(cd "$debs" && apt-get download -qq exim4-daemon-light >/dev/null 2>&1) ||
		(apt-get update -qq && cd "$debs" && apt-get download -qq exim4-daemon-light >/dev/null)
	dpkg -x "$debs"/exim4-daemon-light_*.deb "$debs/x"
	EXIM=$debs/x/usr/sbin/exim4
	# The binary runs as the user it was built for.
	id Debian-exim >/dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin Debian-exim
	mkdir -p "$dir/exim/spool" "$dir/exim/log" "$dir/exim/box"
	chown -R Debian-exim: "$dir/exim"
	cat >"$dir/exim/exim.conf" <<EOF
exim_path = $EXIM
keep_environment =
primary_hostname = tx.example.org
qualify_domain = tx.example.org
spool_directory = $dir/exim/spool
log_file_path = $dir/exim/log/%slog
exim_user = Debian-exim
exim_group = Debian-exim
never_users = root
trusted_users = root
host_lookup =
rfc1413_hosts =
domainlist local_domains = tx.example.org
bounce_return_size_limit = 10K
delay_warning = 1s
delay_warning_condition = true
begin routers
sender_box:
  driver = accept
  domains = +local_domains
  local_parts = sender
  transport = mbox
local_unknown:
  driver = redirect
  domains = +local_domains
  allow_fail
  data = :fail: Unknown user
rx:
  driver = manualroute
  domains = rx.example.net : relay.example.org
  route_list = * 127.0.0.1::$RX byname
  self = send
  transport = remote_smtp
dead:
  driver = manualroute
  domains = dead.example.net : slow.example.net
  route_list = * 127.0.0.1::$DEAD byname
  self = send
  transport = remote_smtp
# Any other domain matches no router: "Unrouteable address".
begin transports
mbox:
  driver = appendfile
  file = $dir/exim/box/sender
  user = Debian-exim
  delivery_date_add
  envelope_to_add
  return_path_add
remote_smtp:
  driver = smtp
  allow_localhost
  connect_timeout = 5s
begin retry
# Given up one second after the first failure; slow.example.net is
# retried for an hour, so it only gets the delay warning.
slow.example.net * F,1h,10m
* * F,1s,1s
EOF
}

# --- OpenSMTPD, unpacked from its Debian package -----------------------------
# Its spool (/var/spool/smtpd), control socket (/var/run/smtpd.sock) and
# chroot (/var/lib/opensmtpd/empty) and helpers (/usr/libexec/opensmtpd)
# are compiled in, so it runs in a mount namespace of its own where folders
# of the run are mounted over /var and /usr/libexec: nothing of the host's
# is touched. Mail is handed to it over SMTP on 127.0.0.1:OS.
os_setup() {
	local debs=$dir/debs
	mkdir -p "$debs"
	say "fetching opensmtpd (apt-get download)"
	(cd "$debs" && apt-get download -qq opensmtpd >/dev/null 2>&1) ||
		(apt-get update -qq && cd "$debs" && apt-get download -qq opensmtpd >/dev/null)
	dpkg -x "$debs"/opensmtpd_*.deb "$debs/os"
	debs_os=$debs/os
	local u
	for u in opensmtpd opensmtpq; do
		id "$u" >/dev/null 2>&1 ||
			useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$u"
	done
	# smtpctl must be setgid opensmtpq, which dpkg -x cannot make it.
	chgrp opensmtpq "$debs/os/usr/sbin/smtpctl" && chmod 2555 "$debs/os/usr/sbin/smtpctl"
	mkdir -p "$dir/os/var/spool" "$dir/os/var/lib/opensmtpd/empty" "$dir/os/var/run" "$dir/os/box/new" "$dir/os/box/cur" "$dir/os/box/tmp"
	chown -R nobody "$dir/os/box"
	# The delivery agent: each message a file in a Maildir.
	printf '#!/bin/sh\nf=$(date +%%s).$$.os\ncat >"%s/tmp/$f" && mv "%s/tmp/$f" "%s/new/$f"\n' \
		"$dir/os/box" "$dir/os/box" "$dir/os/box" >"$dir/os/deliver"
	chmod 755 "$dir/os/deliver"
	{
		echo "queue ttl 3s"
		echo "bounce warn-interval 1s"
		echo "listen on 127.0.0.1 port $OS hostname tx.example.net"
		# Local delivery needs a system user: the sender's mail is nobody's.
		echo 'table vusers { "sender@tx.example.net" = "nobody" }'
		echo "action \"box\" mda \"$dir/os/deliver\" virtual <vusers>"
		echo "action \"rx\" relay host smtp://127.0.0.1:$RX helo tx.example.net"
		echo "action \"dead\" relay host smtp://127.0.0.1:$DEAD helo tx.example.net"
		echo 'match from any for domain "tx.example.net" action "box"'
		echo 'match from any for domain "rx.example.net" action "rx"'
		echo 'match from any for domain "relay.example.org" action "rx"'
		echo 'match from any for domain "dead.example.net" action "dead"'
		echo 'match from any for domain "late.example.net" action "rx"'
		# Looked up (MX, then the name itself) in the run's DNS server.
		echo 'action "mx" relay helo tx.example.net'
		echo 'match from any for domain "nowhere.example.invalid" action "mx"'
	} >"$dir/os/smtpd.conf"
	"$debs/os/usr/sbin/smtpd" -n -f "$dir/os/smtpd.conf" >/dev/null || die "opensmtpd rejected its configuration"
	unshare -m --fork --kill-child sh -c "mount --bind '$dir/os/var' /var && mount --bind '$debs/os/usr/libexec' /usr/libexec &&
		mount --bind '$dir/resolv.conf' /etc/resolv.conf &&
		exec '$debs/os/usr/sbin/smtpd' -d -f '$dir/os/smtpd.conf'" >"$dir/os/log" 2>&1 &
	os_pid=$!
	for _ in $(seq 100); do
		pf_listening "$OS" && return 0
		sleep 0.1
	done
	cat "$dir/os/log" >&2
	die "opensmtpd does not listen on 127.0.0.1:$OS"
}

# os_expire: OpenSMTPD bounces a message past its queue ttl only when its
# scheduler next looks at it, which may be minutes away; smtpctl schedule
# (in smtpd's mount namespace, where its control socket is) makes it look
# now, once a second until the bounces are in (at most 20 s).
os_expire() {
	local want n
	want=$(($(echo "$cases_os" | wc -w) + 1)) # and the delay warning
	for _ in $(seq 20); do
		n=$(count_msgs "$dir/os/box")
		[ "$n" -ge "$want" ] && return 0
		nsenter -t "$os_pid" -m "$debs_os/usr/sbin/smtpctl" schedule all >>"$dir/os/smtpctl.log" 2>&1 || true
		sleep 1
	done
}

# smtp_send PORT FROM TO: hand the message on stdin to the server on
# 127.0.0.1:PORT (RFC 5321: EHLO, MAIL, RCPT, DATA with dot-stuffing).
smtp_send() {
	local port=$1 from=$2 to=$3 line
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	reply() {
		while IFS= read -r -t 10 line <&3; do
			line=${line%$'\r'}
			case $line in
			[0-9][0-9][0-9]-*) ;;
			[23][0-9][0-9]*) return 0 ;;
			*) printf 'bounce-e2e: smtp %s: %s\n' "$to" "$line" >&2; return 1 ;;
			esac
		done
		return 1
	}
	reply && printf 'EHLO client.example.net\r\n' >&3 &&
		reply && printf 'MAIL FROM:<%s>\r\n' "$from" >&3 &&
		reply && printf 'RCPT TO:<%s>\r\n' "$to" >&3 &&
		reply && printf 'DATA\r\n' >&3 &&
		reply && { sed 's/^\./../; s/$/\r/'; printf '.\r\n'; } >&3 &&
		reply && printf 'QUIT\r\n' >&3
	local rc=$?
	exec 3>&-
	return $rc
}

# --- Sendmail, unpacked from its Debian packages ----------------------------
sm_setup() {
	local debs=$dir/debs x
	mkdir -p "$debs"
	say "fetching sendmail-bin and sendmail-cf (apt-get download), m4"
	export DEBIAN_FRONTEND=noninteractive
	for x in m4 libwrap0; do
		dpkg -s "$x" >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends "$x" >/dev/null
	done
	(cd "$debs" && apt-get download -qq sendmail-bin sendmail-cf >/dev/null 2>&1) ||
		(apt-get update -qq && cd "$debs" && apt-get download -qq sendmail-bin sendmail-cf >/dev/null)
	dpkg -x "$debs"/sendmail-bin_*.deb "$debs/sm"
	dpkg -x "$debs"/sendmail-cf_*.deb "$debs/sm"
	SM=$debs/sm/usr/libexec/sendmail
	local e=$dir/sm/etc
	mkdir -p "$dir/sm/queue" "$dir/sm/box" "$e"
	chmod 700 "$dir/sm/queue"
	chown nobody "$dir/sm/box"
	# The local mailer: append to one mbox, whoever the user.
	printf '#!/bin/sh\n{ echo "From MAILER-DAEMON $(date)"; cat; echo; } >>%s/sender\n' "$dir/sm/box" >"$dir/sm/deliver"
	chmod 755 "$dir/sm/deliver"
	# With the run's DNS server, dns after files: MX lookups (for
	# nowhere.example.invalid only, the rest being mailertable routes to
	# [127.0.0.1]) go to it, which the namespace's resolv.conf names alone.
	printf 'hosts files%s\naliases files\n' "${HOSTUNKNOWN:+ dns}" >"$e/service.switch"
	printf '127.0.0.1 tx.example.info localhost\n' >"$e/hosts"
	echo "postmaster: root" >"$e/aliases"
	echo "sender@tx.example.info nobody" >"$e/virtuser"
	printf 'rx.example.net esmtp:[127.0.0.1]\nrelay.example.org esmtp:[127.0.0.1]\ndead.example.net relay:[127.0.0.1]\n' >"$e/mailertable"
	local q="'" b='`'
	# m4 quotes are `...': written with $b and $q.
	m4 >"$e/sendmail.cf" <<EOF
divert(-1)
include(${b}$debs/sm/usr/share/sendmail/cf/m4/cf.m4${q})
divert(0)dnl
OSTYPE(${b}linux${q})dnl
define(${b}confDOMAIN_NAME${q}, ${b}tx.example.info${q})dnl
define(${b}QUEUE_DIR${q}, ${b}$dir/sm/queue${q})dnl
define(${b}STATUS_FILE${q}, ${b}$dir/sm/statistics${q})dnl
define(${b}ALIAS_FILE${q}, ${b}$e/aliases${q})dnl
define(${b}HELP_FILE${q}, ${b}${q})dnl
define(${b}confSERVICE_SWITCH_FILE${q}, ${b}$e/service.switch${q})dnl
define(${b}confHOSTS_FILE${q}, ${b}$e/hosts${q})dnl
define(${b}confDONT_PROBE_INTERFACES${q}, ${b}True${q})dnl
define(${b}confDEF_USER_ID${q}, ${b}nobody:nogroup${q})dnl
define(${b}confDONT_BLAME_SENDMAIL${q}, ${b}NonRootSafeAddr,GroupWritableDirPathSafe,MapInUnsafeDirPath${q})dnl
define(${b}LOCAL_MAILER_PATH${q}, ${b}$dir/sm/deliver${q})dnl
define(${b}LOCAL_MAILER_ARGS${q}, ${b}deliver \$u${q})dnl
define(${b}confTO_QUEUERETURN${q}, ${b}4s${q})dnl
define(${b}confTO_QUEUEWARN${q}, ${b}1s${q})dnl
define(${b}confTO_CONNECT${q}, ${b}5s${q})dnl
define(${b}ESMTP_MAILER_ARGS${q}, ${b}TCP \$h $RX${q})dnl
define(${b}RELAY_MAILER_ARGS${q}, ${b}TCP \$h $DEAD${q})dnl
FEATURE(${b}nocanonify${q})dnl
FEATURE(${b}virtusertable${q}, ${b}hash $e/virtuser${q})dnl
FEATURE(${b}mailertable${q}, ${b}hash $e/mailertable${q})dnl
Cw tx.example.info
MAILER(${b}local${q})dnl
MAILER(${b}smtp${q})dnl
EOF
	for x in virtuser mailertable; do
		"$SM/makemap" -C "$e/sendmail.cf" hash "$e/$x" <"$e/$x" 2>/dev/null
	done
	sendmail_sm -bi >/dev/null 2>&1
}

# sendmail_sm ARGS...: the private Sendmail, as host tx.example.info (a
# UTS namespace) that finds itself in its own /etc/hosts (a mount one).
sendmail_sm() {
	unshare -m -u sh -c 'hostname tx.example.info && mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf &&
		shift 2 && exec "$@"' sh "$dir/sm/etc/hosts" "$dir/resolv.conf" "$SM/sendmail" -C "$dir/sm/etc/sendmail.cf" "$@" >>"$dir/sm/stdout" 2>>"$dir/sm/stderr"
}

send_sm() {
	local c r
	for c in $cases_sm; do
		r=${c%%=*}
		message sender@tx.example.info "$r" "to $r" | sendmail_sm -odi -f sender@tx.example.info "$r" || true
	done
	# Past the 1-second queue warn time, a queue run sends a delay
	# warning for the message to the closed port; past the 4-second queue
	# return time, the next bounces it.
	sleep 2
	sendmail_sm -qf || true
	sleep 3
	sendmail_sm -qf || true
}

# --- dma, unpacked from its Debian package ---------------------------------
# The DragonFly Mail Agent reads /etc/dma/dma.conf and spools in
# /var/spool/dma; both paths, and /var/mail for local delivery, are
# compiled in. So it runs in a mount namespace of its own where an
# overlay puts a private dma/ into /etc (the rest of /etc, which it
# needs for getpwnam, stays the host's, read-only) and a folder of the
# run is mounted over /var. It has no listener: mail is handed to it on
# stdin, and with -D it delivers in the foreground, so nothing of it
# stays behind. Everything goes to one SMARTHOST and PORT, the rx
# listener; the expiry case is queued (-bq) and run with a second
# configuration whose PORT is the closed one. dma gives up on a message
# whose queue file is older than its compiled-in MAX_TIMEOUT (five
# days): the queue files are dated back six days (touch -d) before the
# queue run, which is what a message five days undeliverable looks like
# to it. The sender is the system user nobody at its own host name: its
# bounces are delivered locally, to /var/mail/nobody (private).
# Not covered: an unknown local user (dma refuses such a recipient when
# the message is submitted: no bounce is made).
dma_setup() {
	local debs=$dir/debs c
	mkdir -p "$debs"
	say "fetching dma (apt-get download)"
	(cd "$debs" && apt-get download -qq dma >/dev/null 2>&1) ||
		(apt-get update -qq && cd "$debs" && apt-get download -qq dma >/dev/null)
	dpkg -x "$debs"/dma_*.deb "$debs/dma"
	DMA=$debs/dma/usr/sbin/dma
	mkdir -p "$dir/dma/etc/dma" "$dir/dma/etc-dead/dma" "$dir/dma/etc-dns/dma" "$dir/dma/var/spool/dma" "$dir/dma/var/mail"
	touch "$dir/dma/var/mail/nobody"
	# dma runs as the user mail (it drops root) and creates no mailbox
	# itself here (that is a setuid helper's job): it is made writable.
	chown mail:mail "$dir/dma/var/spool/dma" "$dir/dma/var/mail/nobody"
	chmod 770 "$dir/dma/var/spool/dma"
	chmod 660 "$dir/dma/var/mail/nobody"
	for c in etc:$RX etc-dead:$DEAD; do
		printf 'SMARTHOST 127.0.0.1\nPORT %s\nMAILNAME tx.dma.example\nALIASES /etc/dma/aliases\n' "${c#*:}" >"$dir/dma/${c%%:*}/dma/dma.conf"
		: >"$dir/dma/${c%%:*}/dma/aliases"
	done
	# No SMARTHOST: dma looks the domain up, in the run's DNS server.
	printf 'MAILNAME tx.dma.example\nALIASES /etc/dma/aliases\n' >"$dir/dma/etc-dns/dma/dma.conf"
	: >"$dir/dma/etc-dns/dma/aliases"
	cp "$dir/resolv.conf" "$dir/dma/etc-dns/resolv.conf"
}

# dma_run CONF ARGS...: the private dma with configuration folder CONF
# (etc or etc-dead), bounded in time.
dma_run() {
	local conf=$dir/dma/$1
	shift
	timeout 60 unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=$1:/etc" /etc && mount --bind "$2" /var && shift 2 && exec "$@"' sh \
		"$conf" "$dir/dma/var" "$DMA" "$@" >>"$dir/dma/stdout" 2>>"$dir/dma/stderr"
}

send_dma() {
	local c r
	for c in $cases_dma; do
		r=${c%%=*}
		case $r in
		*@dead.example.net)
			message nobody@tx.dma.example "$r" "to $r" | dma_run etc -bq -f nobody@tx.dma.example "$r" || fail "dma did not queue the message to $r"
			;;
		*@nowhere.example.invalid)
			message nobody@tx.dma.example "$r" "to $r" | dma_run etc-dns -D -f nobody@tx.dma.example "$r" || true
			;;
		*) message nobody@tx.dma.example "$r" "to $r" | dma_run etc -D -f nobody@tx.dma.example "$r" || true ;;
		esac
	done
	touch -d '6 days ago' "$dir/dma/var/spool/dma"/[QM]*
	dma_run etc-dead -D -q || true
}

# --- Courier, unpacked from its Debian packages ---------------------------
# Courier's configuration (/etc/courier), queue (/var/lib/courier), pid
# folder (/run/courier) and programs (/usr/lib/courier) are compiled in:
# it runs in mount namespaces where a writable overlay of the run puts a
# private courier/ (and a passwd and group that know the user courier)
# over /etc, a read-only overlay puts the unpacked packages over /usr,
# and folders of the run are mounted over /var and /run. courierd stays
# up after `courier start` (its namespace with it); each later command
# (sendmail, courier stop) gets a namespace of its own with the same
# mounts, so it sees the same files. esmtproutes sends each domain to
# the rx listener or to the closed port; queuetime 5s with a retry
# every second expires the message for the closed port. The sender's
# alias is a Maildir of the run, which Courier delivers to as the user
# courier without asking courier-authdaemon (which is not run).
# Not covered: an unknown local user (submit asks courier-authdaemon
# about local recipients, and refuses one it does not know when the
# message is submitted: no DSN either way).
cr_started=
cr_setup() {
	local debs=$dir/debs x old
	# A run killed before its trap ran may have left its courierd up:
	# stop any in the folders of earlier runs (a no-op where none runs).
	for old in /tmp/bounce-e2e.*/cr/var/lib/courier/tmp/courierd.lock; do
		[ -f "$old" ] || continue
		old=${old%/cr/var/*}
		[ "$old" != "$dir" ] && [ -d "$old/debs/cr/x/usr" ] || continue
		cr_dir=$old cr_ns timeout 20 courier stop 2>/dev/null || true
	done
	mkdir -p "$debs/cr"
	say "fetching courier-mta, courier-base, courier-authlib, libcourier-unicode4 (apt-get download)"
	local pkgs="courier-mta courier-base courier-authlib libcourier-unicode4"
	# shellcheck disable=SC2086
	(cd "$debs/cr" && apt-get download -qq $pkgs >/dev/null 2>&1) ||
		(apt-get update -qq && cd "$debs/cr" && apt-get download -qq $pkgs >/dev/null)
	for x in "$debs"/cr/*.deb; do dpkg -x "$x" "$debs/cr/x"; done
	local c=$dir/cr e=$dir/cr/etc/courier uid gid
	mkdir -p "$c/etc" "$c/etc-upper" "$c/etc-work" "$c/run/courier" "$c/box/new" "$c/box/cur" "$c/box/tmp" \
		"$c"/var/lib/courier/{allfilters,filters,msgq,msgs,track,tmp}
	# The user courier, in the namespace's passwd only: the first id
	# below 1000 that the host's passwd (group) does not use.
	free_id() { awk -F: '{u[$3]=1} END {for (i = 999; i > 100; i--) if (!(i in u)) {print i; exit}}' "$1"; }
	uid=$(free_id /etc/passwd) gid=$(free_id /etc/group)
	{ cat /etc/passwd; echo "courier:x:$uid:$gid:Courier:/var/lib/courier:/usr/sbin/nologin"; } >"$c/etc/passwd"
	{ cat /etc/group; echo "courier:x:$gid:"; } >"$c/etc/group"
	# Courier asks the run's DNS server, or none, about a domain it has
	# no route for.
	cp "$dir/resolv.conf" "$c/etc/resolv.conf"
	cp -a "$debs/cr/x/etc/courier" "$e"
	echo tx.courier.example >"$e/me"
	echo tx.courier.example >"$e/defaultdomain"
	printf 'localhost\ntx.courier.example\n' >"$e/locals"
	printf 'rx.example.net: [127.0.0.1],%s\nrelay.example.org: [127.0.0.1],%s\ndead.example.net: [127.0.0.1],%s\n' \
		"$RX" "$RX" "$DEAD" >"$e/esmtproutes"
	echo 5s >"$e/queuetime"
	# A delay DSN (Action: delayed) for what is still queued after 2s.
	echo 2s >"$e/warntime"
	echo 1s >"$e/retryalpha"
	echo 1 >"$e/retrybeta"
	echo 1s >"$e/retrygamma"
	echo 1 >"$e/retrymaxdelta"
	# Without it, a refused connection marks the host down for a while
	# and later attempts say "Network is down" without trying.
	echo 0 >"$e/esmtpdelay"
	# The rx listener offers STARTTLS with a certificate of its own.
	sed -i 's/^ESMTP_USE_STARTTLS=1/ESMTP_USE_STARTTLS=0/' "$e/module.esmtp"
	echo "sender: $c/box/" >"$e/aliases/system"
	chown -R "$uid:$gid" "$c/var/lib/courier" "$c/run/courier" "$c/box"
	chmod 750 "$c"/var/lib/courier/*
	chmod 770 "$c/var/lib/courier/tmp"
	cr_ns makealiases || die "courier: makealiases failed"
	cr_started=1
	cr_ns courier start || die "courier: courier start failed"
	# courierd's child (as the user courier) runs the delivery modules.
	for _ in $(seq 50); do
		[ -p "$c/var/lib/courier/tmp/trigger" ] && return 0
		sleep 0.1
	done
	die "courier: courierd did not start (no trigger FIFO)"
}

# cr_ns ARGS...: ARGS in a mount namespace with Courier's paths private
# (those of the run in $dir, or of $cr_dir when set).
cr_ns() {
	local c=${cr_dir:-$dir}/cr
	unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=$1/etc:/etc,upperdir=$1/etc-upper,workdir=$1/etc-work" /etc &&
		mount -t overlay overlay -o "lowerdir=$2:/usr" /usr && mount --bind "$1/var" /var && mount --bind "$1/run" /run &&
		shift 2 && exec "$@"' sh "$c" "${cr_dir:-$dir}/debs/cr/x/usr" "$@" >>"$c/stdout" 2>>"$c/stderr"
}

cr_stop() {
	[ -n "$cr_started" ] || return 0
	cr_started=
	cr_ns timeout 20 courier stop || true
}

send_cr() {
	local c r
	for c in $cases_cr; do
		r=${c%%=*}
		message sender@tx.courier.example "$r" "to $r" | cr_ns /usr/sbin/sendmail -f sender@tx.courier.example "$r" || fail "courier did not take the message to $r"
	done
}

# --- Postfix: the sender tx.example.com and the rx listener ------------------
pf_setup() {
	mkdir -p "$dir/mail"
	chown nobody "$dir/mail"
	{
		pf_main_base | sed "/^myhostname =/d; /^mydomain =/d"
		cat <<EOF
myhostname = tx.example.com
mydomain = example.com
virtual_mailbox_domains = tx.example.com
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$dir/etc/vmailbox
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
transport_maps = texthash:$dir/etc/transport
# Mail that cannot go out at once bounces at once (the expired class).
maximal_queue_lifetime = 0
bounce_queue_lifetime = 0
smtp_connect_timeout = 5s
queue_run_delay = 1s
# What the rx listener refuses, and how.
rx_relay = check_recipient_access texthash:$dir/etc/rx_access, reject_unauth_destination
EOF
	} >"$dir/etc/main.cf"
	cat >"$dir/etc/vmailbox" <<EOF
sender@tx.example.com sender
EOF
	cat >"$dir/etc/transport" <<EOF
rx.example.net smtp:[127.0.0.1]:$RX
relay.example.org smtp:[127.0.0.1]:$RX
dead.example.net smtp:[127.0.0.1]:$DEAD
EOF
	if [ -n "$HOSTUNKNOWN" ]; then
		# The one destination looked up in DNS, by a transport of its own
		# chrooted into the queue folder, whose etc/resolv.conf names the
		# run's DNS server alone (glibc reads it at the first lookup, after
		# the chroot: with a server that does not answer there, the lookup
		# fails as temporary, 4.4.3, so it is this file that is read).
		# postfix start warns that it differs from /etc/resolv.conf.
		echo "nowhere.example.invalid dnssmtp:" >>"$dir/etc/transport"
		mkdir -p "$dir/queue/etc"
		cp /etc/services /etc/hosts /etc/host.conf /etc/nsswitch.conf "$dir/queue/etc/" 2>/dev/null || true
		cp "$dir/resolv.conf" "$dir/queue/etc/resolv.conf"
	fi
	cat >"$dir/etc/rx_access" <<EOF
unknown@rx.example.net 550 5.1.1 User unknown in local recipient table
full@rx.example.net 552 5.2.2 Mailbox full: the user is over quota
late.example.net 450 4.7.1 Try again later
rx.example.net OK
EOF
	{
		echo "127.0.0.1:$RX inet n - n - - smtpd -o smtpd_relay_restrictions=\$rx_relay -o smtpd_recipient_restrictions= -o message_size_limit=20000 -o syslog_name=rx"
		[ -z "$HOSTUNKNOWN" ] || echo "dnssmtp unix - - y - - smtp -o smtp_dns_support_level=enabled -o syslog_name=dnssmtp"
		pf_master_services
	} >"$dir/etc/master.cf"
	pf_start "$RX"
}

# A message to big@ is over the rx listener's 20000-byte limit.
message() { # FROM TO SUBJECT
	printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s.%s@example.com>\nDate: %s\n\n' \
		"$1" "$2" "$3" "$(echo "$2" | tr '@' '.')" "$$" "$(date -R)"
	echo "Hello, this is a test message."
	if [ "${2%%@*}" = big ]; then
		for _ in $(seq 400); do echo "0123456789012345678901234567890123456789012345678901234567890123456789"; done
	fi
}

dns_setup
# The recipients each MTA is sent to, with the reasons a record for it
# may have (the classification's; first the expected one).
cases_common="unknown@rx.example.net=userunknown full@rx.example.net=mailboxfull
big@rx.example.net=mesgtoobig nobody@relay.example.org=norelaying,securityerror,rejected
gone@dead.example.net=expired,networkerror"
cases_postfix="$cases_common ghost@tx.example.com=userunknown $HOSTUNKNOWN"
# Exim's local ":fail: Unknown user" fails outside any SMTP session; the
# reference classification reads "unknown user" outside RCPT as filtered.
# OpenSMTPD refuses an unknown local user during the SMTP session (no
# bounce), so only the remote classes and expiry: a recipient the rx
# listener defers (450) outlives the queue ttl, and os_expire makes the
# scheduler look at it again at once. (A refused connection is no good
# for this: the envelope waits in the relay's own backoff, out of the
# scheduler's reach.)
cases_os="${cases_common%[[:space:]]gone@dead.example.net=*} later@late.example.net=expired $HOSTUNKNOWN"
cases_sm="$cases_common ghost@tx.example.info=userunknown $HOSTUNKNOWN"
# dma refuses an unknown local user when the message is submitted (no
# bounce), so only the remote classes and expiry.
cases_dma="$cases_common $HOSTUNKNOWN"
# Courier: the remote classes and expiry (see cr_setup for local users).
cases_cr="$cases_common $HOSTUNKNOWN"
cases_exim="$cases_common ghost@tx.example.org=userunknown,filtered
lost@nowhere.example.invalid=hostunknown"

send_postfix() {
	local c r
	for c in $cases_postfix; do
		r=${c%%=*}
		message sender@tx.example.com "$r" "to $r" | sendmail -C "$dir/etc" -f sender@tx.example.com "$r"
	done
}

# Exim says on stderr that -C costs it root privilege; that goes to its log.
send_os() {
	local c r
	for c in $cases_os; do
		r=${c%%=*}
		message sender@tx.example.net "$r" "to $r" | smtp_send "$OS" sender@tx.example.net "$r" || fail "opensmtpd did not take the message to $r"
	done
}

exim() { "$EXIM" -C "$dir/exim/exim.conf" "$@" 2>>"$dir/exim/log/stderr"; }

send_exim() {
	local c r
	for c in $cases_exim slow@slow.example.net=; do
		r=${c%%=*}
		message sender@tx.example.org "$r" "to $r" | exim -odi -f sender@tx.example.org "$r"
	done
	# Past the one-second retry cut-off and the delay warning: a forced
	# queue run bounces dead.example.net and warns about slow.example.net.
	sleep 2
	exim -qff
}

# wait_for FILE N [SECONDS]: until the mbox FILE holds N messages (or
# SECONDS, default 30, pass).
wait_for() {
	for _ in $(seq $((${3:-30} * 10))); do
		[ -e "$1" ] && [ "$(count_msgs "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

failures=0
fail() { printf 'bounce-e2e: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

# count_msgs BOX: the messages in an mbox file or a Maildir.
count_msgs() {
	if [ -d "$1" ]; then
		find "$1/new" "$1/cur" -type f | wc -l
	else
		grep -c '^From ' "$1" || true
	fi
}

# check MTA MBOX CASES: one message per case, each yielding a record for
# its recipient with one of the reasons listed, a status of the right
# class, and no record for anyone else.
check() {
	local mta=$1 box=$2 cases=$3 c r reasons n recs got
	n=$(count_msgs "$box")
	recs=$("$RELAYCTL" bounce parse -o ndjson "$box")
	printf '%s\n' "$recs" | jq -r '[.source, .recipient, .reason, .status, .action, .agent, .diagnostic[:70]] | @tsv' | sed "s/^/   $mta: /"
	local want=0
	for c in $cases; do
		want=$((want + 1))
		r=${c%%=*} reasons=${c#*=}
		got=$(printf '%s\n' "$recs" | jq -r --arg r "$r" 'select(.recipient == $r) | "\(.reason) \(.status) \(.action)"' | head -1)
		if [ -z "$got" ]; then
			fail "$mta: no record for $r"
			continue
		fi
		set -- $got
		case ",$reasons," in *",$1,"*) ;; *) fail "$mta: $r: reason $1, want one of $reasons" ;; esac
		case "$2" in [45].[0-9]*.[0-9]*) ;; *) fail "$mta: $r: status '$2'" ;; esac
		[ "$3" = failed ] || fail "$mta: $r: action '$3', want failed"
	done
	local nrec
	nrec=$(printf '%s\n' "$recs" | grep -c . || true)
	[ "$nrec" = "$want" ] || fail "$mta: $nrec records, want $want"
	say "$mta: $n messages in the mailbox, $nrec records (want $want)"
	summary="$summary $mta=$nrec/$want"
}

# delayed MTA BOX RCPT: a delay warning is no bounce: it yields no
# record for RCPT unless --include-delayed, and then one with action
# delayed.
delayed() {
	local mta=$1 box=$2 rcpt=$3 out
	out=$("$RELAYCTL" bounce parse -o ndjson "$box" | jq -c --arg r "$rcpt" 'select(.recipient == $r and .action == "delayed")')
	[ -z "$out" ] || fail "$mta: the delay warning for $rcpt yields a record without --include-delayed: $out"
	out=$("$RELAYCTL" bounce parse -o ndjson --include-delayed "$box" | jq -c --arg r "$rcpt" 'select(.recipient == $r and .action == "delayed")')
	[ -n "$out" ] || fail "$mta: no delayed record for $rcpt with --include-delayed"
}

summary=""
pf_setup
say "postfix: sending $(echo "$cases_postfix" | wc -w) messages"
send_postfix
os_setup
say "opensmtpd: sending $(echo "$cases_os" | wc -w) messages"
send_os
sm_setup
say "sendmail: sending $(echo "$cases_sm" | wc -w) messages"
send_sm
cr_setup
say "courier: sending $(echo "$cases_cr" | wc -w) messages"
send_cr
dma_setup
say "dma: sending $(echo "$cases_dma" | wc -w) messages"
send_dma
exim_setup
say "exim: sending $(($(echo "$cases_exim" | wc -w) + 1)) messages"
send_exim

wait_for "$dir/mail/sender" "$(echo "$cases_postfix" | wc -w)" || fail "postfix: not every bounce arrived"
# Exim's bounces and the one delay warning.
wait_for "$dir/exim/box/sender" "$(($(echo "$cases_exim" | wc -w) + 1))" || fail "exim: not every bounce arrived"

check postfix "$dir/mail/sender" "$cases_postfix"
os_expire
# OpenSMTPD's bounces and its delay warning (bounce warn-interval 1s) for
# the deferred recipient.
wait_for "$dir/os/box" "$(($(echo "$cases_os" | wc -w) + 1))" || fail "opensmtpd: not every bounce arrived"
delayed opensmtpd "$dir/os/box" later@late.example.net
check opensmtpd "$dir/os/box" "$cases_os"
# Sendmail's bounces and its delay warning (queuewarn) for the closed port.
wait_for "$dir/sm/box/sender" "$(($(echo "$cases_sm" | wc -w) + 1))" || fail "sendmail: not every bounce arrived"
delayed sendmail "$dir/sm/box/sender" gone@dead.example.net
check sendmail "$dir/sm/box/sender" "$cases_sm"
check dma "$dir/dma/var/mail/nobody" "$cases_dma"
# Courier's DSNs and its delay DSN (warntime) for the closed port.
wait_for "$dir/cr/box" "$(($(echo "$cases_cr" | wc -w) + 1))" || fail "courier: not every DSN arrived"
delayed courier "$dir/cr/box" gone@dead.example.net
check courier "$dir/cr/box" "$cases_cr"

delayed exim "$dir/exim/box/sender" slow@slow.example.net
check exim "$dir/exim/box/sender" "$cases_exim"

# The Received fields these MTAs wrote on the bounces they delivered are
# read by check message's hops check: every message has a hop by the
# MTA's host, and none is left unparsed.
trace_check() {
	local mta=$1 box=$2 by=$3 out
	out=$("$RELAYCTL" check message "$box" --zone testdata/zones --offline --fail-on never -o ndjson 2>/dev/null) ||
		{ fail "$mta: check message did not run on $box"; return; }
	local bad
	bad=$(printf '%s\n' "$out" | jq -r --arg by "$by" '.checks[] | select(.name == "hops") |
		select((.data.hops | length) == 0 or any(.findings[]; .code == "hops.unparsed") or (.data.hops[-1].by != $by)) |
		.summary')
	[ -z "$bad" ] || fail "$mta: Received fields not read as hops by $by: $bad"
	say "$mta: $(printf '%s\n' "$out" | wc -l) messages, each with its hop by $by"
}
trace_check postfix "$dir/mail/sender" tx.example.com
trace_check exim "$dir/exim/box/sender" tx.example.org
trace_check sendmail "$dir/sm/box/sender" tx.example.info
trace_check dma "$dir/dma/var/mail/nobody" tx.dma.example
trace_check courier "$dir/cr/box" tx.courier.example

[ "$failures" = 0 ] || die "$failures assertion(s) failed (records:$summary)"
say "OK: records per MTA:$summary, in $(($(date +%s) - t0)) s"
