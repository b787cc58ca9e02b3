package mtasts

import "strings"

// MatchMX reports whether an MX host name matches an mx pattern of a
// policy (RFC 8461 §4.1): equal names (case-insensitive, a trailing dot
// ignored), or a "*." wildcard that stands for exactly one whole label —
// "*.example.com" matches "mail.example.com" but neither "example.com"
// nor "a.b.example.com".
func MatchMX(pattern, host string) bool {
	pattern = strings.ToLower(strings.TrimSuffix(pattern, "."))
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if pattern == "" || host == "" {
		return false
	}
	if rest, ok := strings.CutPrefix(pattern, "*."); ok {
		label, parent, found := strings.Cut(host, ".")
		return found && label != "" && rest != "" && parent == rest
	}
	return pattern == host
}
