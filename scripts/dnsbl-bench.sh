#!/usr/bin/env bash
# dnsbl-bench.sh: relayctl blacklist ip against Debian's rblcheck on the
# same work — 1,024 addresses x 8 lists — at a loopback NSD with response
# rate limiting off, side by side in one run. Prints both rates (address x
# list checks per second) and peak memory, and relayctl's peak memory for
# 16x the addresses to show that it stays flat. Not part of .ci/run (slow).
#
# rblcheck asks through the C library's resolver, which takes servers from
# /etc/resolv.conf and always uses port 53. So everything runs inside a
# private network and mount namespace (unshare, as root): NSD listens on
# 127.0.0.1 at a high port (relayctl asks it there with --resolver) and at
# port 53 of that namespace's own loopback, and a resolv.conf naming
# 127.0.0.1 is bind-mounted over /etc/resolv.conf for rblcheck. Nothing
# leaves the namespace; the host's port 53 and resolv.conf are untouched.
#
# Usage: scripts/dnsbl-bench.sh [ROUNDS]     (default 5; best of each)
# DNSBL_BENCH_SHELL='cmd' runs cmd in the prepared namespace instead ($work
# holds relayctl, the zones and addrs.txt; NSD is on 127.0.0.1:$port and :53).
set -euo pipefail

rounds=${1:-5}
port=${DNSBL_BENCH_PORT:-53535}
root=$(cd "$(dirname "$0")/.." && pwd)

if [[ ${DNSBL_BENCH_INNER:-} != 1 ]]; then
	if [[ $(id -u) != 0 ]]; then
		echo "dnsbl-bench: needs root (apt-get, unshare, mount)" >&2
		exit 1
	fi
	if ! command -v nsd >/dev/null || ! command -v rblcheck >/dev/null || [[ ! -x /usr/bin/time ]]; then
		# Install without letting the package start a system NSD on port 53.
		had_policy=0
		[[ -e /usr/sbin/policy-rc.d ]] && had_policy=1
		if [[ $had_policy == 0 ]]; then
			printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
			chmod 755 /usr/sbin/policy-rc.d
		fi
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nsd rblcheck time iproute2 >/dev/null
		[[ $had_policy == 0 ]] && rm -f /usr/sbin/policy-rc.d
	fi
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	echo "dnsbl-bench: building relayctl" >&2
	(cd "$root" && go build -o "$work/relayctl" ./cmd/relayctl)
	DNSBL_BENCH_INNER=1 DNSBL_BENCH_WORK=$work unshare --net --mount -- bash ${DNSBL_BENCH_TRACE:+-x} "$0" "$rounds"
	exit
fi

# ---- inside the namespaces ----
work=$DNSBL_BENCH_WORK
ip link set lo up

lists=()
for i in 1 2 3 4 5 6 7 8; do
	zone="bl$i.bench.test"
	lists+=("$zone")
	{
		printf '$ORIGIN %s.\n$TTL 300\n' "$zone"
		printf '@ IN SOA ns hostmaster 1 3600 600 86400 300\n@ IN NS ns\nns IN A 127.0.0.1\n'
		# RFC 5782 §5 test entries.
		printf '2.0.0.127 IN A 127.0.0.2\n2.0.0.127 IN TXT "test entry"\n'
		# Every 8th address of 10.11.0.0/22 is listed (128 per list),
		# shifted per list.
		for ((n = i; n < 1024; n += 8)); do
			printf '%d.%d.11.10 IN A 127.0.0.2\n' $((n % 256)) $((n / 256))
			printf '%d.%d.11.10 IN TXT "listed on %s"\n' $((n % 256)) $((n / 256)) "$zone"
		done
	} >"$work/$zone.zone"
done

{
	cat <<EOF
server:
    ip-address: 127.0.0.1@$port
    ip-address: 127.0.0.1@53
    username: ""
    chroot: ""
    zonesdir: "$work"
    database: ""
    zonelistfile: "$work/zone.list"
    xfrdfile: "$work/xfrd.state"
    xfrdir: "$work"
    pidfile: "$work/nsd.pid"
    logfile: "$work/nsd.log"
    server-count: 1
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    hide-version: yes
remote-control:
    control-enable: no
EOF
	for z in "${lists[@]}"; do
		printf 'zone:\n    name: "%s"\n    zonefile: "%s.zone"\n' "$z" "$z"
	done
} >"$work/nsd.conf"

nsd -c "$work/nsd.conf"
stop_nsd() {
	local pid
	pid=$(cat "$work/nsd.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
}
trap stop_nsd EXIT
for _ in $(seq 50); do
	[[ -s $work/nsd.pid ]] && "$work/relayctl" blacklist ip 10.11.0.1 --list bl1.bench.test --resolver "127.0.0.1:$port" --timeout 1s >/dev/null 2>&1 && break
	sleep 0.1
done

printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n' >"$work/resolv.conf"
mount --bind "$work/resolv.conf" /etc/resolv.conf

python3 - >"$work/addrs.txt" <<'EOF'
for n in range(1024):
    print(f"10.11.{n // 256}.{n % 256}")
EOF
python3 - >"$work/addrs16k.txt" <<'EOF'
for n in range(16384):
    print(f"10.{11 + n // 65536}.{(n // 256) % 256}.{n % 256}")
EOF

if [[ -n ${DNSBL_BENCH_SHELL:-} ]]; then
	# Debugging: run a command in the prepared namespace instead.
	export work port
	bash -c "$DNSBL_BENCH_SHELL"
	exit
fi

rbl_args=(-c)
rc_args=()
for z in "${lists[@]}"; do
	rbl_args+=(-s "$z")
	rc_args+=(--list "$z")
done

# timed CMD...: prints "SECONDS MAXRSS_KIB CPU_SECONDS" (CPU = user + system)
timed() {
	/usr/bin/time -f '%e %M %U %S' -o "$work/time.out" "$@" >"$work/out.txt" 2>"$work/err.txt" || true
	tail -n 1 "$work/time.out" | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}'
}

checks=$((1024 * 8))
walls_rbl=() walls_rc=()
best_rbl=999999 best_rc=999999 rss_rbl=0 rss_rc=0 cpu_rbl=999999 cpu_rc=999999
for ((r = 1; r <= rounds; r++)); do
	read -r s m c < <(timed rblcheck -t "${rbl_args[@]}" $(cat "$work/addrs.txt"))
	if awk -v a="$c" -v b="$cpu_rbl" 'BEGIN{exit !(a<b)}'; then cpu_rbl=$c; fi
	walls_rbl+=("$s")
	listed_rbl=$(grep -c '^[^ ]* listed by ' "$work/out.txt" || true)
	if awk -v a="$s" -v b="$best_rbl" 'BEGIN{exit !(a<b)}'; then best_rbl=$s; fi
	if ((m > rss_rbl)); then rss_rbl=$m; fi
	read -r s m c < <(timed "$work/relayctl" blacklist ip --file "$work/addrs.txt" "${rc_args[@]}" \
		--resolver "127.0.0.1:$port" -o ndjson)
	if awk -v a="$c" -v b="$cpu_rc" 'BEGIN{exit !(a<b)}'; then cpu_rc=$c; fi
	walls_rc+=("$s")
	listed_rc=$({ grep -o '"listed":true' "$work/out.txt" || true; } | wc -l)
	errors_rc=$({ grep -o '"status":"error"' "$work/out.txt" || true; } | wc -l)
	if ((errors_rc > 0)); then
		echo "round $r: relayctl reported $errors_rc errors: $(grep -o '"error":"[^"]*"' "$work/out.txt" | sort | uniq -c | sort -rn | head -3)" >&2
	fi
	if awk -v a="$s" -v b="$best_rc" 'BEGIN{exit !(a<b)}'; then best_rc=$s; fi
	if ((m > rss_rc)); then rss_rc=$m; fi
	echo "round $r: rblcheck ${best_rbl}s (best so far), relayctl ${best_rc}s (best so far)" >&2
done
read -r s16 m16 _ < <(timed "$work/relayctl" blacklist ip --file "$work/addrs16k.txt" "${rc_args[@]}" \
	--resolver "127.0.0.1:$port" -o ndjson)
errors16=$({ grep -o '"status":"error"' "$work/out.txt" || true; } | wc -l)


median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
med_rbl=$(median "${walls_rbl[@]}")
med_rc=$(median "${walls_rc[@]}")

rate() { awk -v n="$1" -v s="$2" 'BEGIN{ if (s <= 0) s = 0.001; printf "%.0f", n / s }'; }
echo
echo "1,024 addresses x 8 lists at NSD $(nsd -v 2>&1 | head -1 | awk '{print $3}') on 127.0.0.1 (RRL off), best of $rounds:"
printf '  %-10s %6ss  %6s checks/s  CPU %5ss  max RSS %6d KiB  (%s listings reported)\n' rblcheck "$best_rbl" "$(rate $checks "$best_rbl")" "$cpu_rbl" "$rss_rbl" "$listed_rbl"
printf '  %-10s %6ss  %6s checks/s  CPU %5ss  max RSS %6d KiB  (%s listings reported)\n' relayctl "$best_rc" "$(rate $checks "$best_rc")" "$cpu_rc" "$rss_rc" "$listed_rc"
echo "  (wall time and CPU are each the best of the rounds; load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v a="$best_rbl" -v b="$best_rc" -v ma="$med_rbl" -v mb="$med_rc" 'BEGIN{ if (b <= 0) b = 0.001; if (mb <= 0) mb = 0.001;
	printf "  relayctl / rblcheck rate: %.2fx best against best; %.2fx median against median (%ss / %ss)\n", a / b, ma / mb, ma, mb }'
printf '  relayctl, 16,384 addresses x 8 lists: %ss, %s checks/s, max RSS %d KiB (flat memory), %d errors\n' "$s16" "$(rate $((16384 * 8)) "$s16")" "$m16" "$errors16"
