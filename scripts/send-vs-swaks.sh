#!/usr/bin/env bash
# Speed of `relayctl send` against swaks, the usual tool for "send one test
# message": the same messages to the same in-process SMTP server (the
# go-smtp test server of checks/send/sendtest, on loopback).
#
#   swaks loop            one swaks process per message, as a script would
#   relayctl send loop    one relayctl process per message (--data FILE)
#   relayctl batch        2,000 messages through --batch's engine, 1 and 4
#                         connections (RSET between messages, PIPELINING)
#
# Then the Go benchmark of the batch engine (BenchmarkBatch, msgs/s).
# Installs swaks from Debian's packages when missing (needs root).
# SWAKS_N sets the number of messages in the loops (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v swaks >/dev/null 2>&1; then
	echo "== installing swaks"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq swaks >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq swaks >/dev/null; }
fi
bin=$(mktemp /tmp/relayctl-bench.XXXXXX)
trap 'rm -f "$bin"' EXIT
go build -o "$bin" ./cmd/relayctl
echo "== swaks loop vs relayctl (${SWAKS_N:-200} messages in the loops, 2000 in the batches)"
RELAYCTL_SWAKS=1 RELAYCTL_SWAKS_N=${SWAKS_N:-200} RELAYCTL_BIN=$bin \
	go test -count=1 -run '^TestSwaksComparison$' -v ./checks/send/ | grep -E 'swaks|relayctl|PASS|FAIL'
echo "== go test -bench BenchmarkBatch"
go test -run '^$' -bench '^BenchmarkBatch$' -benchtime 5x ./checks/send/ | grep -E '^Benchmark|ok|FAIL'
