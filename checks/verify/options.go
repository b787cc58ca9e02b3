package verify

import (
	"context"
	"net"
	"time"

	"golang.org/x/time/rate"
)

// Dialer opens a TCP connection; tests point it at a loopback server.
type Dialer func(ctx context.Context, network, addr string) (net.Conn, error)

// Defaults of Options.
const (
	DefaultPort        = 25 // RFC 5321 §4.5.4.2
	DefaultConcurrency = 32
	DefaultPerDomain   = 1
	DefaultRetries     = 2
	DefaultRetryWait   = 30 * time.Second
	DefaultMaxRcpt     = 50
	DefaultWindow      = 10000
	DefaultTimeout     = 10 * time.Second
)

// Options tune a verification. The zero value checks syntax, DNS and the
// lists, without SMTP.
type Options struct {
	// Lists are the disposable, role and free lists (DefaultLists when
	// nil).
	Lists *Lists
	// SMTP asks the domain's mail host about each address; From is then
	// the MAIL FROM address (a real one: many servers refuse the null
	// sender's RCPTs, and a bounce of a probe must reach someone).
	SMTP bool
	From string
	// EHLO is the name to greet with (smtpwire.DefaultEHLO when empty).
	EHLO string
	// Port is the SMTP port of the mail hosts (DefaultPort; another only
	// for tests).
	Port int
	// Dial replaces the network dialer (tests).
	Dial Dialer
	// Timeout limits one network operation: one SMTP step, one connect.
	Timeout time.Duration
	// Retries is how many times an address is asked again after a
	// temporary answer (greylisting, rate limits), RetryWait apart.
	Retries   int
	RetryWait time.Duration
	// PerDomain bounds the connections open to one domain's mail host at
	// once; Rate the RCPTs a second sent to one domain (rate.Inf for no
	// limit; 0 means no limit too).
	PerDomain int
	Rate      rate.Limit
	// Concurrency bounds the domains worked on at once, and so the SMTP
	// connections open in all.
	Concurrency int
	// MaxRcpt is the most RCPTs of one transaction: then RSET and a new
	// MAIL FROM on the same connection (a 452 too many recipients does
	// the same sooner).
	MaxRcpt int
	// Window is the most addresses held at once: a window is read,
	// grouped by domain, verified and printed in input order before the
	// next is read.
	Window int
	// NoTLS skips STARTTLS even when offered.
	NoTLS bool
}

func (o *Options) fill() {
	if o.Lists == nil {
		o.Lists = DefaultLists()
	}
	if o.Port == 0 {
		o.Port = DefaultPort
	}
	if o.Dial == nil {
		var d net.Dialer
		o.Dial = d.DialContext
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.RetryWait < 0 {
		o.RetryWait = 0
	}
	if o.PerDomain <= 0 {
		o.PerDomain = DefaultPerDomain
	}
	if o.Rate <= 0 {
		o.Rate = rate.Inf
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.MaxRcpt <= 0 {
		o.MaxRcpt = DefaultMaxRcpt
	}
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
}
