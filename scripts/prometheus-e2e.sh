#!/usr/bin/env bash
# End to end with a real Prometheus: relayctl serve answers from the zone
# files in testdata/zones (--offline, no network), Prometheus scrapes
# /probe?module=domain&target=example.com every 2s, and the series are read
# back through Prometheus's HTTP API. Also checks and tests the alerting
# rules of docs/prometheus with promtool.
#
# Needs Debian's prometheus package (installed with apt-get when missing,
# as root; the system service is not started), curl and jq. Everything runs
# on 127.0.0.1 and is stopped on exit.
#
#   scripts/prometheus-e2e.sh            (from the repository's root)
#   PROM_PORT=42990 SERVE_PORT=42991 scripts/prometheus-e2e.sh
set -euo pipefail

cd "$(dirname "$0")/.."
PROM_PORT=${PROM_PORT:-42990}
SERVE_PORT=${SERVE_PORT:-42991}
TOTAL=${E2E_TIMEOUT:-120} # seconds for the whole run, installation aside

say() { printf 'prometheus-e2e: %s\n' "$*" >&2; }
die() { say "FAIL: $*"; exit 1; }

# --- Prometheus from Debian, when missing -------------------------------
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
	policy_out=$(apt-cache policy prometheus 2>/dev/null || true)
	if ! grep -q 'Candidate: [0-9]' <<<"$policy_out"; then
		say "SKIP: no prometheus binary and apt has no prometheus package"
		exit 0
	fi
	[ "$(id -u)" = 0 ] || die "prometheus is not installed; run as root to install it with apt-get"
	say "installing Debian's prometheus package"
	# Keep the package's service from starting: this script runs its own.
	policy=/usr/sbin/policy-rc.d
	made_policy=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
	fi
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y --no-install-recommends prometheus >/dev/null ||
		{ [ -n "$made_policy" ] && rm -f "$policy"; die "apt-get install prometheus failed"; }
	[ -n "$made_policy" ] && rm -f "$policy"
fi
for tool in curl jq go; do
	command -v "$tool" >/dev/null || die "$tool is needed"
done
say "$(prometheus --version 2>&1 | head -1)"

work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
deadline=$((SECONDS + TOTAL))
left() { echo $((deadline - SECONDS)); }

# --- promtool on the docs' rules ----------------------------------------
promtool check rules docs/prometheus/relayctl-rules.yml >&2 || die "promtool check rules"
(cd docs/prometheus && promtool test rules relayctl-rules.test.yml >&2) || die "promtool test rules"

# --- relayctl serve ---------------------------------------------------
go build -o "$work/relayctl" ./cmd/relayctl
"$work/relayctl" serve --listen "127.0.0.1:$SERVE_PORT" --zone testdata/zones --offline 2>"$work/serve.log" &
pids+=($!)
serve="http://127.0.0.1:$SERVE_PORT"
until curl -fsS -o /dev/null "$serve/-/healthy" 2>/dev/null; do
	[ "$(left)" -gt 0 ] || die "relayctl serve did not start: $(cat "$work/serve.log")"
	sleep 0.2
done
direct=$(curl -fsS --max-time 10 "$serve/probe?module=domain&target=example.com")

# --- Prometheus --------------------------------------------------------
cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 2s
  scrape_timeout: 2s
rule_files:
  - $PWD/docs/prometheus/relayctl-rules.yml
scrape_configs:
  - job_name: relayctl-domain
    metrics_path: /probe
    params:
      module: [domain]
    static_configs:
      - targets: [example.com]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:$SERVE_PORT
  - job_name: relayctl-exporter
    static_configs:
      - targets: [127.0.0.1:$SERVE_PORT]
YAML
promtool check config "$work/prometheus.yml" >&2 || die "promtool check config"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
	--web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn 2>"$work/prometheus.log" &
pids+=($!)
prom="http://127.0.0.1:$PROM_PORT"

# query EXPR: the result vector of an instant query, as JSON.
query() {
	curl -fsS --max-time 5 --data-urlencode "query=$1" "$prom/api/v1/query" | jq -c '.data.result'
}
# value EXPR: the value of the single series EXPR selects ("" for none).
value() { query "$1" | jq -r 'if length == 1 then .[0].value[1] else "" end'; }
# direct_value NAME LABELS: the value of the series in the exporter's own
# answer, LABELS as they appear in the exposition ('' for none).
direct_value() { grep -E "^$1(\{$2\})? " <<<"$direct" | awk '{print $2}'; }

until [ "$(value 'up{job="relayctl-domain"}' 2>/dev/null)" = 1 ] &&
	[ -n "$(value 'relayctl_probe_success{job="relayctl-domain"}' 2>/dev/null)" ]; do
	[ "$(left)" -gt 0 ] || die "Prometheus did not scrape relayctl in time: $(tail -5 "$work/prometheus.log")"
	sleep 1
done
say "Prometheus has scraped relayctl serve"

# --- the series, read back through Prometheus --------------------------
check() { # check NAME GOT WANT
	[ "$2" = "$3" ] || die "$1: got '$2', want '$3'"
	say "ok: $1 = $2"
}
check "the target as instance" "$(query 'relayctl_probe_success' | jq -r '.[0].metric.instance')" example.com
check relayctl_probe_success "$(value 'relayctl_probe_success{instance="example.com"}')" "$(direct_value relayctl_probe_success '')"
# testdata/zones/example.com.zone: DMARC still at p=none.
check relayctl_dmarc_policy_level "$(value 'relayctl_dmarc_policy_level{domain="example.com"}')" 0
check 'relayctl_dmarc_policy{policy="none"}' "$(value 'relayctl_dmarc_policy{domain="example.com",policy="none"}')" 1
check relayctl_finding_dmarc_policy_none "$(value 'relayctl_finding{check="dmarc",code="dmarc.policy-none"}')" 1
spf=$(direct_value relayctl_spf_lookups 'domain="example.com"')
[ -n "$spf" ] && [ "$spf" -gt 0 ] || die "the exporter reports no SPF lookups for example.com"
check relayctl_spf_lookups "$(value 'relayctl_spf_lookups{instance="example.com"}')" "$spf"
check "one status per check" "$(value 'count(sum by (check) (relayctl_check_status{instance="example.com"}) == 1) == count(count by (check) (relayctl_check_status{instance="example.com"}))')" \
	"$(value 'count(count by (check) (relayctl_check_status{instance="example.com"}))')"
check "the exporter's own probes counter" "$(value 'sum(relayctl_exporter_probes_total{module="domain"}) > 0' | sed 's/.*/counted/')" counted
check "the probe within the 2s scrape timeout" "$(value 'relayctl_probe_duration_seconds{instance="example.com"} < 2' | sed 's/.*/yes/')" yes
# The rules loaded into Prometheus.
check "rule groups loaded" "$(curl -fsS "$prom/api/v1/rules" | jq -r '[.data.groups[].rules[]] | length')" 4
say "PASS"
