package send

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Redacted stands in for a secret in every output.
const Redacted = "<redacted>"

// secrets are the strings that must never leave the package: the
// password, the token, their base64 forms, and every AUTH payload sent.
// A hostile server could echo a payload back in a reply text, so replies
// and errors pass through scrub as well as the transcript.
type secrets struct {
	mu   sync.RWMutex
	list []string
}

func newSecrets(values ...string) *secrets {
	s := &secrets{}
	for _, v := range values {
		s.add(v)
	}
	return s
}

// add registers v and every encoding a server might echo it back in as
// secrets: base64 (padded and unpadded, standard and URL alphabets), hex
// (either case) and URL encoding (query and path style).
func (s *secrets) add(v string) {
	if s == nil || v == "" {
		return
	}
	forms := []string{
		v,
		base64.StdEncoding.EncodeToString([]byte(v)),
		base64.RawStdEncoding.EncodeToString([]byte(v)),
		base64.URLEncoding.EncodeToString([]byte(v)),
		base64.RawURLEncoding.EncodeToString([]byte(v)),
		hex.EncodeToString([]byte(v)),
		strings.ToUpper(hex.EncodeToString([]byte(v))),
		url.QueryEscape(v),
		url.PathEscape(v),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range forms {
		// Very short secrets would redact half the transcript; they are
		// still never printed because AUTH payloads are replaced whole.
		if len(f) < 3 {
			continue
		}
		dup := false
		for _, have := range s.list {
			if have == f {
				dup = true
				break
			}
		}
		if !dup {
			s.list = append(s.list, f)
		}
	}
	// Longest first: a blob is replaced whole before the password inside
	// it would leave the rest of it showing.
	slices.SortStableFunc(s.list, func(a, b string) int { return len(b) - len(a) })
}

// scrub replaces every secret inside text.
func (s *secrets) scrub(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.list {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, Redacted)
		}
	}
	return text
}
