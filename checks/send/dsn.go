package send

import (
	"strings"
)

// Stages --quit-after stops after, in dialogue order (swaks's
// --quit-after): the banner, EHLO, TLS, AUTH, MAIL FROM, RCPT TO.
var quitStages = []string{"connect", "ehlo", "tls", "auth", "mail", "rcpt"}

// ParseQuitAfter validates a --quit-after value.
func ParseQuitAfter(s string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	for _, st := range quitStages {
		if v == st {
			return v, nil
		}
	}
	return "", errorf(ErrBadInput, "--quit-after %q: want %s", s, strings.Join(quitStages, ", "))
}

// ParseDSNNotify validates --dsn-notify (RFC 3461 §4.1): NEVER alone, or
// any of SUCCESS, FAILURE and DELAY, comma-separated. It returns the
// NOTIFY= value.
func ParseDSNNotify(s string) (string, error) {
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		v := strings.ToUpper(strings.TrimSpace(p))
		switch v {
		case "NEVER", "SUCCESS", "FAILURE", "DELAY":
		default:
			return "", errorf(ErrBadInput, "--dsn-notify %q: %q is not one of never, success, failure, delay", s, strings.TrimSpace(p))
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	if seen["NEVER"] && len(out) > 1 {
		return "", errorf(ErrBadInput, "--dsn-notify %q: never goes alone (RFC 3461 §4.1)", s)
	}
	return strings.Join(out, ","), nil
}

// ParseDSNRet validates --dsn-ret (RFC 3461 §4.3): FULL or HDRS.
func ParseDSNRet(s string) (string, error) {
	switch v := strings.ToUpper(strings.TrimSpace(s)); v {
	case "FULL", "HDRS":
		return v, nil
	}
	return "", errorf(ErrBadInput, "--dsn-ret %q: want full or hdrs", s)
}

// maxEnvID is the longest ENVID RFC 3461 §4.4 allows, before encoding.
const maxEnvID = 100

// CheckEnvID validates --envid: printable ASCII (RFC 3461 §4.4), at
// most 100 characters.
func CheckEnvID(s string) error {
	if s == "" || len(s) > maxEnvID {
		return errorf(ErrBadInput, "--envid: want 1 to %d characters, got %d", maxEnvID, len(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return errorf(ErrBadInput, "--envid: byte %d is not printable ASCII (RFC 3461 §4.4)", i+1)
		}
	}
	return nil
}

// xtext encodes s per RFC 3461 §4: the characters "!" to "~" but "+"
// and "=" as they are, every other byte as "+" and two upper-case hex
// digits.
func xtext(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '!' && c <= '~' && c != '+' && c != '=' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('+')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// hasDSN reports whether any DSN parameter was asked for.
func (c *Config) hasDSN() bool { return c.DSNNotify != "" || c.DSNRet != "" || c.EnvID != "" }

// dsnNote is the record's note when DSN parameters were asked for and
// the server does not offer DSN.
func dsnNote(host string) string {
	return host + " does not offer DSN (RFC 3461): the NOTIFY, RET and ENVID parameters were not sent, and the server's own rules decide which notifications come back"
}
