# shellcheck shell=bash
# A private Postfix instance for the end-to-end scripts
# (scripts/postfix-e2e.sh, scripts/postfix-send-e2e.sh), which source this
# file after defining say and die.
#
# The instance lives in one temporary folder ($dir): its own config, queue,
# data and log, no chroot, listening on 127.0.0.1 only; /etc/postfix is
# never touched. The folder is removed (unless kept) and the instance
# stopped by the EXIT trap pf_newdir sets, whatever happens.

# pf_install: install what the scripts need when it is missing.
pf_install() {
	local need=()
	command -v postfix >/dev/null 2>&1 || need+=(postfix)
	command -v saslpasswd2 >/dev/null 2>&1 || need+=(sasl2-bin)
	dpkg -s libsasl2-modules >/dev/null 2>&1 || need+=(libsasl2-modules)
	dpkg -s libsasl2-modules-db >/dev/null 2>&1 || need+=(libsasl2-modules-db)
	command -v openssl >/dev/null 2>&1 || need+=(openssl)
	command -v jq >/dev/null 2>&1 || need+=(jq)
	command -v script >/dev/null 2>&1 || need+=(bsdutils)
	if [ ${#need[@]} -gt 0 ]; then
		say "installing ${need[*]}"
		export DEBIAN_FRONTEND=noninteractive
		# "No configuration": the package sets up no system MTA and starts nothing.
		echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
	fi
}

# pf_relayctl NAME: build relayctl into a temporary file when $RELAYCTL is
# unset; the EXIT trap removes it.
pf_relayctl() {
	if [ -z "${RELAYCTL:-}" ]; then
		say "building relayctl"
		RELAYCTL=$(mktemp "/tmp/relayctl-$1.XXXXXX")
		go build -o "$RELAYCTL" ./cmd/relayctl
		built_bin=$RELAYCTL
	fi
}

# pf_listening PORT: whether something accepts connections on 127.0.0.1:PORT.
pf_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pf_ports_free BASEVAR PORT...: die when a port is taken, naming the
# variable that moves them.
pf_ports_free() {
	local var=$1 p
	shift
	for p in "$@"; do
		if pf_listening "$p"; then
			die "127.0.0.1:$p is already in use (a leftover instance? set $var)"
		fi
	done
}

# pf_newdir NAME KEEP: make the instance's folder $dir (/tmp/NAME.XXXXXX)
# and set the EXIT trap that stops the instance, prints the end of its
# log on failure and removes the folder unless KEEP is 1.
pf_newdir() {
	dir=$(mktemp -d "/tmp/$1.XXXXXX")
	pf_keep=$2
	chmod 755 "$dir" # the postfix user must reach the queue and the sasldb
	started=
	trap pf_cleanup EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$dir/etc/sasl" "$dir/queue" "$dir/data" "$dir/tls"
	chown postfix "$dir/data"
}

pf_cleanup() {
	local rc=$?
	if [ -n "$started" ]; then
		pf stop >/dev/null 2>&1 || true
		# master waits for its children; give it a moment, then make sure.
		for _ in $(seq 50); do
			[ -e "$dir/data/master.lock" ] && postfix -c "$dir/etc" status >/dev/null 2>&1 || break
			sleep 0.1
		done
	fi
	if [ $rc -ne 0 ] && [ -f "$dir/maillog" ]; then
		echo "--- postfix log ($dir/maillog):" >&2
		tail -n 60 "$dir/maillog" >&2 || true
	fi
	if [ "$pf_keep" != 1 ]; then rm -rf "$dir"; fi
	if [ -n "${built_bin:-}" ]; then rm -f "$built_bin"; fi
	exit $rc
}

# pf_cert: a self-signed certificate for mx.relayctl.test in $dir/tls. The
# tests name the server by its address, so it carries 127.0.0.1 as well.
pf_cert() {
	say "self-signed certificate for mx.relayctl.test and 127.0.0.1"
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -sha256 \
		-keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" \
		-subj /CN=mx.relayctl.test \
		-addext subjectAltName=DNS:mx.relayctl.test,IP:127.0.0.1 2>/dev/null
	chmod 600 "$dir/tls/key.pem"
}

# pf_sasl_user DB PASSWORD: the SASL user e2e@relayctl.test in the sasldb
# DB, and the Cyrus config (PLAIN LOGIN) that points smtpd at it.
pf_sasl_user() {
	say "SASL user e2e@relayctl.test in a sasldb"
	# Debian's smtpd reads $config_directory/sasl/smtpd.conf whatever
	# cyrus_sasl_config_path says; keep both pointing at one place.
	cat >"$dir/etc/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $1
EOF
	printf '%s' "$2" | saslpasswd2 -f "$1" -p -c -u relayctl.test e2e
	chgrp postfix "$1"
	chmod 640 "$1"
}

# pf_main_base: the main.cf settings both instances share; each script
# appends its own (delivery, transports, banner, SASL and TLS policy).
pf_main_base() {
	cat <<EOF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = mx.relayctl.test
mydomain = relayctl.test
myorigin = \$myhostname
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
# 127.0.0.1 is NOT in mynetworks, so relaying is refused except where a
# port says otherwise.
mynetworks = 192.0.2.1/32
smtpd_peername_lookup = no
biff = no
alias_maps =
alias_database =
# Nothing leaves the machine: no relayhost, no DNS for the SMTP client.
relayhost =
smtp_dns_support_level = disabled
smtpd_tls_cert_file = $dir/tls/cert.pem
smtpd_tls_key_file = $dir/tls/key.pem
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtp_tls_security_level = none
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $dir/etc/sasl
smtpd_sasl_local_domain = relayctl.test
EOF
}

# pf_master_services: the master.cf services a running smtpd talks to,
# all without chroot (column 5 "n"); each script puts its listeners first.
pf_master_services() {
	cat <<'EOF'
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
}

# pf ARGS...: run the postfix command on the instance. It prints its
# errors only to a terminal (else they go to the log, which postlogd
# writes only once the instance runs), so give it one with script(1).
pf() { script -qec "postfix -c $dir/etc $*" /dev/null; }

# pf_start PORT...: check the configuration, start the instance and wait
# until every listener accepts connections.
pf_start() {
	local p
	pf check || die "postfix check rejected the configuration"
	pf start || die "postfix did not start"
	started=1
	for p in "$@"; do
		for _ in $(seq 100); do
			pf_listening "$p" && break
			sleep 0.1
		done
		pf_listening "$p" || die "nothing listens on 127.0.0.1:$p"
	done
}
