#!/usr/bin/env python3
"""Regenerate README.md and docs/examples.md from their templates.

    python3 scripts/gen-readme.py            (from the repository root)

Templates: docs/readme.tmpl.md -> README.md, docs/examples.tmpl.md -> docs/examples.md.

It builds relayctl and, in every ```console block of a template, runs each
"$ relayctl ..." command (with "\\" continuation lines; pipes through jq work)
against the offline data in testdata/, and pastes what it printed in place of
the "@@OUTPUT@@" line under it. Each "relayctl ..." command of a ```sh block
is only checked: run offline against testdata/zones (with "--zone
testdata/zones --offline" added when it has no --zone of its own, and a --zone
naming a file that is not in the repository pointed at testdata/zones), it must not
fail as bad usage (exit 2), so a renamed flag cannot linger in the docs. A
command that exits 2 stops the script, and so does a README of 300 lines or
more, or one without the quick-start commands that .ci/run and users rely on.

The "started" time of JSON reports is replaced by a fixed one so that the
files change only when the output does; everything else is as printed.
"""
import os, re, shlex, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATES = [("docs/readme.tmpl.md", "README.md"), ("docs/examples.tmpl.md", "docs/examples.md")]
README_MAX_LINES = 300
QUICK_START = [
    "go run ./cmd/relayctl check domain example.com --zone testdata/zones --offline",
    "go test -race ./...",
]
OFFLINE = ["--zone", "testdata/zones", "--offline"]
STARTED = "2026-11-26T21:00:00Z"


class Failure(Exception):
    pass


def run(bindir, command):
    """Runs a shell command line with the built relayctl first on PATH."""
    env = {"NO_COLOR": "1", "PATH": bindir + ":/usr/bin:/bin", "HOME": bindir}
    p = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=ROOT, env=env,
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    return p.returncode, (p.stdout + p.stderr).rstrip("\n")


def stable(out):
    return re.sub(r'("started":\s*")[^"]*(")', r"\g<1>" + STARTED + r"\g<2>", out)


def commands(lines, i, prompt):
    """Joins the command starting at lines[i] with its continuation lines;
    returns the command and the index after it."""
    cmd = lines[i][len(prompt):]
    i += 1
    while cmd.endswith("\\") and i < len(lines):
        cmd = cmd[:-1].rstrip() + " " + lines[i].strip()
        i += 1
    return cmd, i


def relayctl_words(cmd):
    """The words of the relayctl invocation in a command line, up to a pipe
    or redirection; None when the line is not one."""
    lex = shlex.shlex(cmd, posix=True, punctuation_chars="|&;<>")
    lex.whitespace_split = True
    words = []
    try:
        for w in lex:
            if w and set(w) <= set("|&;<>"):
                break
            words.append(w)
    except ValueError as e:
        raise Failure(f"cannot split {cmd!r}: {e}")
    while words and "=" in words[0] and not words[0].startswith("-"):
        words.pop(0)  # VAR=value before the command
    if words[:3] == ["go", "run", "./cmd/relayctl"]:
        words = ["relayctl"] + words[3:]
    return words if words[:1] == ["relayctl"] else None


def check_only(bindir, cmd, where):
    words = relayctl_words(cmd)
    if words is None:
        return
    for k, w in enumerate(words[:-1]):
        # "--zone zones/" stands for the reader's own files: check the
        # command's usage with the quick-start zones instead.
        if w == "--zone" and not os.path.exists(os.path.join(ROOT, words[k + 1])):
            words[k + 1] = "testdata/zones"
    if "--smtp" in words:
        # Probes connect, and --offline opens no connection: check only
        # that the flags parse (an unknown flag is still exit 2).
        code, out = run(bindir, shlex.join(words + ["--help"]))
        if code == 2:
            raise Failure(f"{where}: `{cmd}` is bad usage (exit 2):\n{out}")
        return
    if "--zone" not in words:
        words += OFFLINE
    code, out = run(bindir, shlex.join(words + ["--timeout", "1s"]))
    if code == 2:
        raise Failure(f"{where}: `{cmd}` is bad usage (exit 2):\n{out}")


def render(bindir, template):
    lines = open(os.path.join(ROOT, template)).read().splitlines()
    out = []
    block = None  # "console", "sh" or another fence language while inside one
    i = 0
    while i < len(lines):
        line = lines[i]
        where = f"{template}:{i + 1}"
        if line.startswith("```"):
            block = None if block is not None else (line[3:].strip() or "text")
            out.append(line)
            i += 1
            continue
        if block == "console" and line.startswith("$ "):
            start = i
            cmd, i = commands(lines, i, "$ ")
            out.extend(lines[start:i])  # the command as written
            if i < len(lines) and lines[i].strip() == "@@OUTPUT@@":
                code, printed = run(bindir, cmd)
                if code == 2:
                    raise Failure(f"{where}: `{cmd}` is bad usage (exit 2):\n{printed}")
                if code >= 126:
                    raise Failure(f"{where}: `{cmd}` could not run (exit {code}):\n{printed}")
                if not printed:
                    raise Failure(f"{where}: `{cmd}` printed nothing")
                out.append(stable(printed))
                i += 1
            else:
                check_only(bindir, cmd, where)
            continue
        if block == "sh" and line.strip() and not line.lstrip().startswith("#"):
            start = i
            cmd, i = commands(lines, i, "")
            out.extend(lines[start:i])
            check_only(bindir, cmd.strip(), where)
            continue
        if "@@OUTPUT@@" in line:
            raise Failure(f"{where}: @@OUTPUT@@ outside a console block or not under a command")
        out.append(line)
        i += 1
    return out


def main():
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as bindir:
        subprocess.run(["go", "build", "-o", os.path.join(bindir, "relayctl"), "./cmd/relayctl"], check=True)
        rendered = []
        for template, target in TEMPLATES:
            body = render(bindir, template)
            header = (f"<!-- Generated from {template} by scripts/gen-readme.py, which runs its examples "
                      f"against testdata/. Edit the template, then run: python3 scripts/gen-readme.py -->")
            text = "\n".join([header, ""] + body).rstrip("\n") + "\n"
            if target == "README.md":
                n = text.count("\n")
                if n >= README_MAX_LINES:
                    raise Failure(f"README.md would have {n} lines; keep it under {README_MAX_LINES}")
                for q in QUICK_START:
                    if q not in text:
                        raise Failure(f"README.md lacks the quick-start command {q!r}")
            rendered.append((target, text))
    # Nothing is written unless every template rendered.
    for target, text in rendered:
        open(target, "w").write(text)
        print(f"{target} written ({text.count(chr(10))} lines)")

if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        sys.exit(f"gen-readme: {e}")
