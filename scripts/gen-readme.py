#!/usr/bin/env python3
"""Regenerate README.md from docs/readme.tmpl.md: run the example commands
against testdata/zones with a freshly built binary and paste their output,
then append every check's finding-code and data-key tables from docs/*.md.
Run from the repository root: python3 scripts/gen-readme.py"""
import json, re, subprocess, sys

BIN = "/tmp/relayctl-readme"
subprocess.run(["go", "build", "-o", BIN, "./cmd/relayctl"], check=True)
Z = ["--zone", "testdata/zones", "--offline"]
BL = ["--lists-file", "testdata/dnsbl/lists.yaml", "--zone", "testdata/dnsbl", "--offline"]

def run(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    return (p.stdout + p.stderr).rstrip("\n")

def spf_json():
    out = run("check", "spf", "example.com", "--ip", "192.0.2.99", "--sender", "alice@example.com", *Z, "-o", "json")
    d = json.loads(out)["checks"][0]["data"]
    return json.dumps({k: d.get(k) for k in ("result", "mechanism", "lookups")}, separators=(",", ":"))

def report_json():
    out = json.loads(run("check", "dmarc", "example.com", *Z, "-o", "json"))
    out["started"] = "2026-11-26T21:00:00Z"
    c = out["checks"][0]
    c["findings"] = c["findings"][:1]
    c["data"] = {k: c["data"][k] for k in list(c["data"])[:4]}
    return json.dumps(out, indent=2, ensure_ascii=False)

def section(path, heading_re):
    doc = open(path).read()
    m = re.search(r"^## " + heading_re + r".*?$\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    return m.group(1).strip() if m else ""

examples = {
    "EXAMPLE_DOMAIN": lambda: run("check", "domain", "example.com", *Z),
    "EXAMPLE_SPF_JSON": spf_json,
    "EXAMPLE_SPF": lambda: run("check", "spf", "example.com", "--ip", "203.0.113.200", *Z),
    "EXAMPLE_DKIM": lambda: run("check", "dkim", "example.com", "--selector", "sel2025", "--selector", "crm1", *Z),
    "EXAMPLE_DMARC": lambda: run("check", "dmarc", "example.com", *Z),
    "EXAMPLE_MX": lambda: run("check", "mx", "example.com", *Z, "--ignore", "mx.target-private-ip"),
    "EXAMPLE_JSON": report_json,
    "EXAMPLE_BLACKLIST_TABLE": lambda: run("blacklist", "ip", "198.51.100.7", "198.51.100.8", *BL,
                                           "--list", "good.bl.test", "--list", "refuse.bl.test", "--list", "wild.bl.test"),
    "EXAMPLE_BLACKLIST_NDJSON": lambda: re.sub(r'"started":"[^"]*"', '"started":"2026-11-26T21:00:00Z"',
                                               run("blacklist", "ip", "198.51.100.8", "--list", "good.bl.test", *BL, "-o", "ndjson")),
    "EXAMPLE_BLACKLIST_LISTS": lambda: run("blacklist", "lists"),
    "EXAMPLE_BOUNCE_JSON": lambda: run("bounce", "parse", "testdata/bounce/postfix-userunknown.eml", "-o", "json"),
    "EXAMPLE_BOUNCE": lambda: run("bounce", "parse", *["testdata/bounce/" + f for f in
        ("postfix-userunknown.eml", "exim-mailboxfull.eml", "qmail-hostunknown.eml", "sendmail-delayed.eml")]),
    "BOUNCE_REASONS": lambda: "\n".join(l for l in section("docs/bounce.md", "Reasons").splitlines() if l.startswith("|")),
}

text = open("docs/readme.tmpl.md").read()
for key in sorted(examples, key=len, reverse=True):
    if key in text:
        text = text.replace(key, examples[key]())

AREAS = [("SPF", "docs/spf.md"), ("DKIM", "docs/dkim.md"), ("DMARC", "docs/dmarc.md"),
         ("MX and reverse DNS", "docs/mx.md")]
AREAS += [(a, p) for a, p in [("SMTP probe", "docs/smtp.md"), ("MTA-STS", "docs/mtasts.md"),
          ("TLS-RPT", "docs/tlsrpt.md"), ("BIMI", "docs/bimi.md"), ("DANE", "docs/dane.md"),
          ("DNSSEC", "docs/dnssec.md"), ("DNS blocklists", "docs/dnsbl.md"), ("Bounces", "docs/bounce.md")]
          if __import__("os").path.exists(p)]

out = ["", "## Finding codes", "",
       "Every finding has a stable `code`, a `severity`, a `message`, a `hint` saying what to change and, "
       "where one applies, the RFC section in `ref`.", ""]
for area, path in AREAS:
    body = section(path, "Finding codes")
    if body:
        out += [f"### {area}", "", body, ""]
out += ["## Data keys", "", "The `data` object of each check. Keys are stable once released.", ""]
for area, path in AREAS:
    body = section(path, "Data keys")
    if body:
        out += [f"### {area}", "", body, ""]
open("README.md", "w").write(text.rstrip("\n") + "\n" + "\n".join(out).rstrip("\n") + "\n")
print("README.md written")
