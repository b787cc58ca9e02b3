// Package fetch gets one small document over HTTPS for a check — the
// MTA-STS policy (RFC 8461 §3.3) and the BIMI indicator — the strict way
// those specifications ask: the host name resolved through relayctl's one
// DNS layer (so --resolver, --zone and test servers apply), the
// certificate verified for that name against the system roots or the
// --ca pool, no redirect followed, no proxy, no cache, the body bounded
// in size and the whole exchange in time.
package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/tlsx"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Defaults for Options.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultMaxBytes = 64 << 10
)

// Options tune one fetch.
type Options struct {
	// RootCAs verifies the server's certificate; nil means the system
	// roots.
	RootCAs *x509.CertPool
	// Timeout bounds the whole fetch: resolving, connecting, the TLS
	// handshake, the response and its body. DefaultTimeout when zero.
	Timeout time.Duration
	// MaxBytes bounds the body; DefaultMaxBytes when zero. A longer body
	// is cut there and Response.TooLarge is set.
	MaxBytes int64
	// Port, when not zero, is dialled instead of the URL's port. Tests
	// use it to reach an in-process server on a free loopback port while
	// the URL, the Host header and the certificate name stay the real
	// ones.
	Port int
	// Accept is sent as the Accept header when not empty.
	Accept string
}

// Response is what the server answered. A redirect is a Response too
// (StatusCode 3xx, Location set): it is never followed.
type Response struct {
	URL         string `json:"url"`
	Addr        string `json:"addr"` // the address connected to
	StatusCode  int    `json:"status_code"`
	ContentType string `json:"content_type,omitempty"`
	Location    string `json:"location,omitempty"`
	// Size is the number of body bytes read: at most MaxBytes, or
	// MaxBytes+1 when TooLarge.
	Size     int64  `json:"size"`
	TooLarge bool   `json:"too_large,omitempty"`
	Body     []byte `json:"-"`
	// TLSVersion is "TLS1.2" or "TLS1.3"; CertSubject and CertNotAfter
	// describe the server's leaf certificate.
	TLSVersion   string    `json:"tls_version,omitempty"`
	CertSubject  string    `json:"cert_subject,omitempty"`
	CertNotAfter time.Time `json:"cert_not_after,omitzero"`
	DurationMS   int64     `json:"duration_ms"`
}

// Stages of a fetch, for Error.Stage.
const (
	StageURL     = "url"     // the URL is not a usable https URL
	StageDNS     = "dns"     // the host name could not be resolved
	StageConnect = "connect" // no address accepted a connection
	StageTLS     = "tls"     // the handshake or the certificate failed
	StageHTTP    = "http"    // the request or the response failed
	StageBody    = "body"    // reading the body failed
	// StageOffline: the resolver is offline (--offline), so no
	// connection was opened and nothing was fetched.
	StageOffline = "offline"
)

// Sentinel errors, wrapped by Error.
var (
	ErrBadURL      = errors.New("fetch: not an https URL with a host")
	ErrNoAddress   = errors.New("fetch: the host name has no address")
	ErrCertificate = errors.New("fetch: certificate not valid for the host")
	ErrTimeout     = errors.New("fetch: timed out")
	ErrOffline     = errors.New("fetch: not fetched: offline")
)

// Error says at which stage a fetch failed and why.
type Error struct {
	URL   string
	Stage string
	Err   error
}

func (e *Error) Error() string {
	return fmt.Sprintf("fetch %s: %s: %v", e.URL, e.Stage, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Message is the text for a person: the URL, the stage and the cause's
// own message, no package name.
func (e *Error) Message() string {
	return fmt.Sprintf("fetch %s: %s: %s", e.URL, e.Stage, checks.Message(e.Err))
}

// DNSFailure reports whether err is a DNS failure (SERVFAIL, timeout,
// --offline…) while resolving the host, as opposed to a host with no
// address: the first says nothing about the server.
func DNSFailure(err error) bool {
	var fe *Error
	return errors.As(err, &fe) && fe.Stage == StageDNS && !errors.Is(err, ErrNoAddress)
}

// NotEvaluated reports whether err is a fetch that was never tried
// because the run is offline: it says nothing about the server.
func NotEvaluated(err error) bool { return errors.Is(err, ErrOffline) }

// Get fetches rawURL (https only) with GET. With an offline resolver
// (dnsx.IsOffline) it resolves the host from the zone files as ever —
// a host with no address, or outside them, fails as without --offline —
// but opens no connection: it returns an Error wrapping ErrOffline,
// stage StageOffline.
func Get(ctx context.Context, r dnsx.Resolver, rawURL string, opt Options) (*Response, error) {
	start := time.Now()
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" || u.User != nil {
		return nil, &Error{URL: rawURL, Stage: StageURL, Err: checks.NewError("fetch", ErrBadURL, "not an https URL with a host")}
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()

	d := &dialer{r: r, port: opt.Port, offline: dnsx.IsOffline(r)}
	tr := &http.Transport{
		Proxy:                  nil, // the policy host is resolved by dnsx, never by a proxy
		DialContext:            d.dial,
		TLSClientConfig:        &tls.Config{RootCAs: opt.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    opt.Timeout,
		DisableKeepAlives:      true,
		DisableCompression:     true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		// RFC 8461 §3.3: redirects MUST NOT be followed; the caller sees
		// the 3xx and its Location.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{URL: rawURL, Stage: StageURL, Err: err}
	}
	req.Header.Set("User-Agent", "relayctl")
	// RFC 8461 §3.3: no HTTP caching.
	req.Header.Set("Cache-Control", "no-cache")
	if opt.Accept != "" {
		req.Header.Set("Accept", opt.Accept)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, d.classify(ctx, rawURL, err)
	}
	defer resp.Body.Close()

	out := &Response{
		URL:         rawURL,
		Addr:        d.addr(),
		StatusCode:  resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Location:    resp.Header.Get("Location"),
	}
	if st := resp.TLS; st != nil {
		out.TLSVersion = tlsx.VersionName(st.Version)
		if len(st.PeerCertificates) > 0 {
			c := st.PeerCertificates[0]
			out.CertSubject = c.Subject.String()
			out.CertNotAfter = c.NotAfter.UTC()
		}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, opt.MaxBytes+1))
	out.Size = int64(len(body))
	if int64(len(body)) > opt.MaxBytes {
		out.TooLarge = true
		body = body[:opt.MaxBytes]
	}
	out.Body = body
	out.DurationMS = time.Since(start).Milliseconds()
	if err == nil && ctx.Err() != nil {
		// The deadline passed while the body was read: when the transport
		// tears the connection down, the read can end in a plain EOF, so
		// a cut-off body would pass for a whole one.
		err = ctx.Err()
	}
	if err != nil && !out.TooLarge {
		return out, &Error{URL: rawURL, Stage: StageBody, Err: timeoutOr(ctx, err)}
	}
	return out, nil
}

// dialer resolves the host through dnsx and dials its addresses in turn.
type dialer struct {
	r       dnsx.Resolver
	port    int
	offline bool // dnsx.IsOffline: resolve, but never connect

	mu       sync.Mutex
	dialed   string
	stage    string
	stageErr error
}

func (d *dialer) addr() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dialed
}

func (d *dialer) fail(stage string, err error) error {
	d.mu.Lock()
	d.stage, d.stageErr = stage, err
	d.mu.Unlock()
	return err
}

func (d *dialer) dial(ctx context.Context, network, hostport string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, d.fail(StageURL, err)
	}
	if d.port != 0 {
		port = strconv.Itoa(d.port)
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		res, err := dnsx.Addrs(ctx, d.r, host)
		addrs = res.Addrs
		if len(addrs) == 0 {
			if err != nil {
				return nil, d.fail(StageDNS, err)
			}
			why := "no A or AAAA record"
			if res.A != nil && res.A.NXDomain() {
				why = "the name does not exist (NXDOMAIN)"
			}
			return nil, d.fail(StageDNS, checks.NewError("fetch", ErrNoAddress, "the host name has no address: "+host+": "+why))
		}
	}
	if d.offline {
		// The host's DNS is known (from the zone files); the server is
		// not, and --offline opens no connection to find out.
		return nil, d.fail(StageOffline, checks.NewError("fetch", ErrOffline, "not fetched: --offline opens no connection"))
	}
	var nd net.Dialer
	var last error
	for _, a := range addrs {
		target := net.JoinHostPort(a.String(), port)
		c, err := nd.DialContext(ctx, network, target)
		if err == nil {
			d.mu.Lock()
			d.dialed = target
			d.mu.Unlock()
			return c, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, d.fail(StageConnect, last)
}

// classify turns the client's error into an Error with its stage.
func (d *dialer) classify(ctx context.Context, rawURL string, err error) error {
	d.mu.Lock()
	stage, stageErr := d.stage, d.stageErr
	d.mu.Unlock()
	if stage != "" {
		if stage == StageConnect {
			stageErr = timeoutOr(ctx, stageErr)
		}
		return &Error{URL: rawURL, Stage: stage, Err: stageErr}
	}
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) {
		return &Error{URL: rawURL, Stage: StageTLS, Err: checks.NewError("fetch", ErrCertificate, "certificate not valid for the host: "+certReason(cv.Err))}
	}
	var re tls.RecordHeaderError
	var ae tls.AlertError
	if errors.As(err, &re) || errors.As(err, &ae) || strings.Contains(err.Error(), "tls: ") {
		return &Error{URL: rawURL, Stage: StageTLS, Err: timeoutOr(ctx, unwrapURL(err))}
	}
	return &Error{URL: rawURL, Stage: StageHTTP, Err: timeoutOr(ctx, unwrapURL(err))}
}

// certReason says in a few words why a certificate did not verify.
func certReason(err error) string {
	var he x509.HostnameError
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &he):
		names := he.Certificate.DNSNames
		if len(names) == 0 && he.Certificate.Subject.CommonName != "" {
			names = []string{he.Certificate.Subject.CommonName}
		}
		return fmt.Sprintf("the certificate is for %s, not %s", strings.Join(names, ", "), he.Host)
	case errors.As(err, &ua):
		return "signed by an unknown authority (" + ua.Cert.Issuer.String() + ")"
	case errors.As(err, &ci):
		if ci.Reason == x509.Expired {
			return "expired or not yet valid (" + ci.Detail + ")"
		}
		return textutil.LibraryText(ci)
	}
	return textutil.LibraryText(err)
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// timeoutOr returns ErrTimeout (with the cause) when the fetch ran out of
// time, else err.
func timeoutOr(ctx context.Context, err error) error {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return checks.NewError("fetch", ErrTimeout, "timed out ("+checks.Message(err)+")")
	}
	return err
}
