package smtpprobe

import (
	"strconv"
	"strings"
)

// Capabilities is what a server said in its EHLO reply (RFC 5321 §4.1.1.1):
// the greeting line, every extension line as sent, and the extensions the
// probe knows, parsed.
type Capabilities struct {
	// Greeting is the text of the first line (usually the server's name).
	Greeting string `json:"greeting"`
	// Extensions are the other lines, as sent (never null).
	Extensions []string `json:"extensions"`
	// Size is the SIZE limit in bytes (RFC 1870): absent when SIZE is not
	// advertised, 0 when it is advertised without a fixed limit.
	Size                *int64 `json:"size,omitempty"`
	Pipelining          bool   `json:"pipelining"`          // RFC 2920
	EightBitMIME        bool   `json:"8bitmime"`            // RFC 6152
	SMTPUTF8            bool   `json:"smtputf8"`            // RFC 6531
	Chunking            bool   `json:"chunking"`            // RFC 3030
	DSN                 bool   `json:"dsn"`                 // RFC 3461
	EnhancedStatusCodes bool   `json:"enhancedstatuscodes"` // RFC 2034
	RequireTLS          bool   `json:"requiretls"`          // RFC 8689
	StartTLS            bool   `json:"starttls"`            // RFC 3207
	// Auth lists the SASL mechanisms of AUTH (RFC 4954), upper case, in
	// the order sent (never null).
	Auth []string `json:"auth"`
}

// parseEHLO reads the lines of a 250 EHLO reply.
func parseEHLO(lines []string) *Capabilities {
	c := &Capabilities{Extensions: []string{}, Auth: []string{}}
	for i, l := range lines {
		if i == 0 {
			c.Greeting = l
			continue
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		c.Extensions = append(c.Extensions, l)
		kw, params, _ := strings.Cut(l, " ")
		kw = strings.ToUpper(kw)
		// Old servers wrote "AUTH=PLAIN LOGIN" for clients that predate
		// RFC 4954; it means the same.
		if rest, ok := strings.CutPrefix(kw, "AUTH="); ok {
			kw, params = "AUTH", rest+" "+params
		}
		switch kw {
		case "SIZE":
			var n int64
			if f := strings.Fields(params); len(f) > 0 {
				v, err := strconv.ParseInt(f[0], 10, 64)
				if err != nil || v < 0 {
					continue // not a number: SIZE is not usable as sent
				}
				n = v
			}
			c.Size = &n
		case "PIPELINING":
			c.Pipelining = true
		case "8BITMIME":
			c.EightBitMIME = true
		case "SMTPUTF8":
			c.SMTPUTF8 = true
		case "CHUNKING":
			c.Chunking = true
		case "DSN":
			c.DSN = true
		case "ENHANCEDSTATUSCODES":
			c.EnhancedStatusCodes = true
		case "REQUIRETLS":
			c.RequireTLS = true
		case "STARTTLS":
			c.StartTLS = true
		case "AUTH":
			for _, m := range strings.Fields(params) {
				m = strings.ToUpper(m)
				if !contains(c.Auth, m) {
					c.Auth = append(c.Auth, m)
				}
			}
		}
	}
	return c
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
