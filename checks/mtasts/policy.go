package mtasts

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/relayctl/relayctl/checks/internal/taglist"
)

// ParsePolicy parses an MTA-STS policy body (RFC 8461 §3.2): one
// "key: value" field a line, lines ended by LF or CRLF, fields in any
// order, mx repeatable. version (STSv1), mode (enforce, testing, none)
// and max_age (0 to 31557600 seconds) are required, and so is at least
// one mx unless the mode is none. Unknown fields are extensions. Blank
// lines are skipped. The error is Errors (each with its line) or nil;
// the policy holds what could be read either way.
func ParsePolicy(body []byte) (*Policy, error) {
	p := &Policy{MaxAge: -1, MX: []string{}}
	var errs Errors
	add := func(line int, field, msg string) {
		errs = append(errs, &SyntaxError{Line: line, Field: field, Msg: msg})
	}
	if !utf8.Valid(body) {
		add(0, "", "the policy is not UTF-8 text")
	}
	text := string(body)
	lines := strings.Split(text, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // the last line's terminator
	}
	seen := map[string]int{}
	for i, line := range lines {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.ContainsRune(line, '\r') {
			add(n, "", "stray carriage return inside the line")
		}
		if isWSP(line[0]) {
			add(n, "", "the line starts with white space")
			line = strings.TrimLeft(line, " \t")
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			add(n, "", quote(line)+` is not a "key: value" field`)
			continue
		}
		if strings.TrimRight(key, " \t") != key {
			add(n, strings.TrimSpace(key), `no space is allowed before ":"`)
			key = strings.TrimRight(key, " \t")
		}
		value = strings.Trim(value, " \t")
		if key != "mx" {
			if first, dup := seen[key]; dup {
				add(n, key, "field given again (first on line "+strconv.Itoa(first)+"); only mx may repeat")
				continue
			}
			seen[key] = n
		}
		switch key {
		case "version":
			p.Version = value
			if value != "STSv1" {
				add(n, key, quote(value)+` is not "STSv1"`)
			}
		case "mode":
			switch Mode(value) {
			case ModeEnforce, ModeTesting, ModeNone:
				p.Mode = Mode(value)
			default:
				add(n, key, quote(value)+" is not enforce, testing or none (lower case)")
			}
		case "max_age":
			v, ok := parseMaxAge(value)
			if !ok {
				add(n, key, quote(value)+" is not a number of seconds from 0 to 31557600")
				continue
			}
			p.MaxAge = v
		case "mx":
			if msg := checkPattern(value); msg != "" {
				add(n, key, msg)
				continue
			}
			p.MX = append(p.MX, strings.ToLower(value))
		default:
			if !taglist.ExtName(key) {
				add(n, "", quote(key)+" is not a valid field name")
				continue
			}
			p.Extensions = append(p.Extensions, Field{Name: key, Value: value})
		}
	}
	for _, f := range []string{"version", "mode", "max_age"} {
		if _, ok := seen[f]; !ok {
			add(0, f, "the required field is missing")
		}
	}
	if len(p.MX) == 0 && p.Mode != ModeNone && !hasMXError(errs) {
		add(0, "mx", "no mx field: a policy in mode enforce or testing must list the MX hosts")
	}
	return p, errs.orNil()
}

func hasMXError(es Errors) bool {
	for _, e := range es {
		if e.Field == "mx" {
			return true
		}
	}
	return false
}

// parseMaxAge accepts 1 to 10 digits up to MaxMaxAge (§3.2).
func parseMaxAge(s string) (int64, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v > MaxMaxAge {
		return 0, false
	}
	return v, true
}

// checkPattern checks an mx value: ["*."] Domain, where Domain is
// RFC 5321 §4.1.2's (letters, digits and hyphens in dot-separated
// labels, no trailing dot). It returns what is wrong, or "".
func checkPattern(v string) string {
	if v == "" {
		return "empty value"
	}
	d := strings.TrimPrefix(v, "*.")
	if strings.Contains(d, "*") {
		return quote(v) + ": a wildcard may only be a whole first label (\"*.example.com\")"
	}
	if strings.HasSuffix(d, ".") {
		return quote(v) + ": remove the trailing dot"
	}
	if len(d) > 253 {
		return quote(v) + ": longer than a domain name can be"
	}
	labels := strings.Split(d, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || !isAlnum(l[0]) || !isAlnum(l[len(l)-1]) {
			return quote(v) + " is not a host name"
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return quote(v) + " is not a host name"
			}
		}
	}
	if len(labels) < 2 {
		return quote(v) + " is a single label, not a host name"
	}
	return ""
}
