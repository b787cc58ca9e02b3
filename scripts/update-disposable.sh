#!/usr/bin/env bash
# Refresh checks/verify/disposable_email_blocklist.conf, the disposable
# (throw-away) mail domains `relayctl verify` embeds, from the
# disposable-email-domains project's list (CC0 1.0), as the npm package
# disposable-email-domains-js republishes it (its
# dist/dict/disposable_email_blocklist.json is generated from the
# project's disposable_email_blocklist.conf). Needs npm and python3.
#
#   scripts/update-disposable.sh [VERSION]     (default: the latest)
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=disposable-email-domains-js${1:+@$1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null && tar xzf ./*.tgz)
python3 - "$tmp/package" checks/verify/disposable_email_blocklist.conf <<'PY'
import json, sys
pkg, out = sys.argv[1], sys.argv[2]
meta = json.load(open(pkg + "/package.json"))
if meta.get("license") != "CC0-1.0":
    sys.exit("unexpected licence %r: review before embedding" % meta.get("license"))
domains = sorted({d.strip().lower() for d in json.load(open(pkg + "/dist/dict/disposable_email_blocklist.json")) if d.strip()})
with open(out, "w") as f:
    f.write("# Disposable (throw-away) mail domains, one a line: the list of the\n")
    f.write("# disposable-email-domains project (CC0 1.0 Universal, public domain\n")
    f.write("# dedication), as republished in the npm package %s %s.\n" % (meta["name"], meta["version"]))
    f.write("# %d domains. Regenerate with scripts/update-disposable.sh; do not edit.\n" % len(domains))
    for d in domains:
        f.write(d + "\n")
print("%s: %d domains from %s %s" % (out, len(domains), meta["name"], meta["version"]))
PY
