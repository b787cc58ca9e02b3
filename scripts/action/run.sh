#!/usr/bin/env bash
# The logic of the relayctl GitHub Action (action.yml): install relayctl,
# run it with the given arguments, keep its JSON, write its -o markdown
# summary to $GITHUB_STEP_SUMMARY and, when asked, a SARIF file for code
# scanning.
# It exits with relayctl's exit code (0 ok, 1 gate, 2 usage, 3 incomplete).
#
# Inputs (environment, as action.yml passes them):
#   INPUT_ARGS     relayctl's arguments, split as a shell would (quotes work)
#   INPUT_VERSION  "source" (go install from the action's checkout), "latest",
#                  or a release tag such as v1.2.3
#   INPUT_SARIF    "true": also write relayctl.sarif (a second run, -o sarif)
#   INPUT_SUMMARY  "true" (default): append the Markdown summary (a run
#                  of its own, -o markdown)
#   ACTION_PATH    the action's checkout (github.action_path)
#   RUNNER_TEMP    scratch folder (default: a new temporary folder)
#   RELAYCTL_REPO  owner/name to download releases from (default relayctl/relayctl)
# Outputs ($GITHUB_OUTPUT): exit-code, report (the NDJSON file), sarif.
set -uo pipefail

die() { echo "relayctl action: $*" >&2; exit 2; }

args=${INPUT_ARGS:-}
version=${INPUT_VERSION:-latest}
sarif=${INPUT_SARIF:-false}
want_summary=${INPUT_SUMMARY:-true}
action_path=${ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
repo=${RELAYCTL_REPO:-relayctl/relayctl}
tmp=${RUNNER_TEMP:-$(mktemp -d)}
work=$(mktemp -d "$tmp/relayctl.XXXXXX")
bin=$work/bin
mkdir -p "$bin"

[ -n "$args" ] || die "the args input is empty: give the relayctl command, such as: check domain example.com"
# Split args at blanks, quotes kept together (xargs' rules), without
# running anything in them: no eval, no globbing.
mapfile -d '' argv < <(printf '%s' "$args" | xargs printf '%s\0') || die "cannot split args (unbalanced quotes?): $args"
[ "${#argv[@]}" -gt 0 ] || die "the args input is empty"

install_source() {
	command -v go >/dev/null || die "version: source needs Go (actions/setup-go)"
	(cd "$action_path" && GOBIN=$bin go install ./cmd/relayctl) || die "go install ./cmd/relayctl failed in $action_path"
}

install_release() {
	local tag=$1 os arch ver url
	if [ "$tag" = latest ]; then
		command -v jq >/dev/null || die "version: latest needs jq (preinstalled on GitHub's runners)"
		tag=$(curl -fsSL "https://api.github.com/repos/$repo/releases/latest" | jq -r .tag_name) || die "cannot find the latest release of $repo"
	fi
	ver=${tag#v}
	os=$(uname -s | tr '[:upper:]' '[:lower:]')
	case $(uname -m) in x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) die "no release build for $(uname -m)" ;; esac
	url="https://github.com/$repo/releases/download/$tag"
	name="relayctl_${ver}_${os}_${arch}.tar.gz"
	curl -fsSL -o "$work/$name" "$url/$name" || die "cannot download $url/$name"
	curl -fsSL -o "$work/checksums.txt" "$url/checksums.txt" || die "cannot download $url/checksums.txt"
	(cd "$work" && grep " $name\$" checksums.txt | sha256sum -c --quiet -) || die "checksum mismatch for $name"
	tar -xzf "$work/$name" -C "$bin" relayctl || die "no relayctl in $name"
}

case $version in
source) install_source ;;
*) install_release "$version" ;;
esac
relayctl=$bin/relayctl
"$relayctl" version >&2 || die "the installed relayctl does not run"

# One run with -o ndjson (the last -o wins): one report a line, whatever
# the command and however many targets. Its stderr shows in the log.
report=$work/report.ndjson
"$relayctl" "${argv[@]}" -o ndjson >"$report"
code=$?

sarif_file=
if [ "$sarif" = true ]; then
	sarif_file=$work/relayctl.sarif
	# The checks run a second time: SARIF is its own output format.
	"$relayctl" "${argv[@]}" -o sarif >"$sarif_file" 2>"$work/sarif.err"
	sc=$?
	if [ "$sc" -ge 2 ] || [ ! -s "$sarif_file" ]; then
		cat "$work/sarif.err" >&2
		echo "relayctl action: -o sarif failed (exit $sc); no SARIF upload" >&2
		sarif_file=
	fi
fi

if [ "$want_summary" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	# relayctl's own -o markdown (a table row a target, then each
	# target's findings), from a run of its own: only when a summary is
	# wanted, and after the run whose exit code and reports count. Its
	# stderr repeats the first run's, so it goes to the log only when
	# that run said nothing.
	md=$work/summary.md
	"$relayctl" "${argv[@]}" -o markdown >"$md" 2>"$work/markdown.err"
	mc=$?
	{
		printf '`relayctl %s` exited %s.\n\n' "${argv[*]}" "$code"
		if [ -s "$md" ]; then
			cat "$md"
		else
			printf '## relayctl\n\nNo report (exit %s of -o markdown): see the log.\n' "$mc"
		fi
	} >>"$GITHUB_STEP_SUMMARY" || echo "relayctl action: could not write the summary" >&2
	[ -s "$md" ] || [ "$code" -ge 2 ] || cat "$work/markdown.err" >&2
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "exit-code=$code"
		echo "report=$report"
		echo "sarif=$sarif_file"
	} >>"$GITHUB_OUTPUT"
fi
exit "$code"
