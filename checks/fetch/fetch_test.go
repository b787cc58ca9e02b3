package fetch

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/fetch/fetchtest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

const zone = `$ORIGIN example.com.
@        3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
mta-sts  3600 IN A 127.0.0.1
alias    3600 IN CNAME mta-sts
nowhere  3600 IN TXT "no address here"
broken   3600 IN A 127.0.0.1
`

func setup(t *testing.T) (*dnstest.Server, dnsx.Resolver, *tlstest.CA) {
	t.Helper()
	srv := dnstest.Start(t, dnstest.Zone(t, "", zone))
	return srv, srv.Client(2 * time.Second), tlstest.NewCA(t, "fetch test CA")
}

func policy(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("version: STSv1\n"))
}

func TestGetThroughDNSAndPort(t *testing.T) {
	_, r, ca := setup(t)
	_, port := ca.HTTPSServer(t, http.HandlerFunc(policy), "mta-sts.example.com")
	resp, err := Get(context.Background(), r, "https://mta-sts.example.com/.well-known/mta-sts.txt", Options{RootCAs: ca.Pool(), Port: port})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || string(resp.Body) != "version: STSv1\n" || resp.ContentType != "text/plain" || resp.TooLarge {
		t.Errorf("resp = %+v body %q", resp, resp.Body)
	}
	if !strings.HasPrefix(resp.Addr, "127.0.0.1:") || resp.TLSVersion != "TLS1.3" || resp.CertNotAfter.IsZero() {
		t.Errorf("addr %q tls %q cert %v", resp.Addr, resp.TLSVersion, resp.CertNotAfter)
	}
	// A CNAME on the way is followed by the resolver; the certificate is
	// still checked against the name in the URL.
	_, err = Get(context.Background(), r, "https://alias.example.com/", Options{RootCAs: ca.Pool(), Port: port})
	if !errors.Is(err, ErrCertificate) {
		t.Errorf("alias: %v, want a certificate error (the certificate names mta-sts only)", err)
	}
}

func TestGetNeverFollowsRedirects(t *testing.T) {
	_, r, ca := setup(t)
	hits := 0
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, req *http.Request) { http.Redirect(w, req, "/b", http.StatusFound) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, req *http.Request) { hits++; policy(w, req) })
	_, port := ca.HTTPSServer(t, mux, "mta-sts.example.com")
	resp, err := Get(context.Background(), r, "https://mta-sts.example.com/a", Options{RootCAs: ca.Pool(), Port: port})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusFound || resp.Location != "/b" || hits != 0 {
		t.Errorf("status %d location %q hits %d", resp.StatusCode, resp.Location, hits)
	}
}

func TestGetBoundsTheBody(t *testing.T) {
	_, r, ca := setup(t)
	_, port := ca.HTTPSServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(strings.Repeat("x", 5000)))
	}), "mta-sts.example.com")
	resp, err := Get(context.Background(), r, "https://mta-sts.example.com/", Options{RootCAs: ca.Pool(), Port: port, MaxBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.TooLarge || len(resp.Body) != 1000 || resp.Size != 1001 {
		t.Errorf("too large %v body %d size %d", resp.TooLarge, len(resp.Body), resp.Size)
	}
}

func TestGetCertificateProblems(t *testing.T) {
	_, r, ca := setup(t)
	other := tlstest.NewCA(t, "Untrusted CA")
	cases := []struct {
		name string
		srv  func() int
		want string
	}{
		{"untrusted", func() int {
			_, p := other.HTTPSServer(t, http.HandlerFunc(policy), "mta-sts.example.com")
			return p
		}, "unknown authority"},
		{"wrong name", func() int {
			_, p := ca.HTTPSServer(t, http.HandlerFunc(policy), "www.example.com")
			return p
		}, "the certificate is for www.example.com, not mta-sts.example.com"},
		{"expired", func() int {
			c := ca.IssueWith(t, tlstest.LeafOptions{NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)}, "mta-sts.example.com")
			_, p := tlstest.HTTPSServerWith(t, http.HandlerFunc(policy), c)
			return p
		}, "expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Get(context.Background(), r, "https://mta-sts.example.com/", Options{RootCAs: ca.Pool(), Port: tc.srv()})
			var fe *Error
			if !errors.As(err, &fe) || fe.Stage != StageTLS || !errors.Is(err, ErrCertificate) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want a TLS-stage certificate error with %q", err, tc.want)
			}
			// For a person: the same words, no package name.
			if msg := checks.Message(err); !strings.Contains(msg, tc.want) || strings.Contains(msg, "fetch: ") || strings.Contains(msg, "x509: ") {
				t.Errorf("message %q", msg)
			}
		})
	}
}

func TestGetStallEndsWithinTimeout(t *testing.T) {
	_, r, ca := setup(t)
	release := make(chan struct{})
	defer close(release)
	for _, mode := range []string{"headers", "body"} {
		t.Run(mode, func(t *testing.T) {
			_, port := ca.HTTPSServer(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if mode == "body" {
					w.Write([]byte("version: STSv1\n"))
					w.(http.Flusher).Flush()
				}
				select {
				case <-release:
				case <-req.Context().Done():
				}
			}), "mta-sts.example.com")
			start := time.Now()
			_, err := Get(context.Background(), r, "https://mta-sts.example.com/", Options{RootCAs: ca.Pool(), Port: port, Timeout: 300 * time.Millisecond})
			if !errors.Is(err, ErrTimeout) {
				t.Errorf("err = %v, want a timeout", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v with a 300ms timeout", d)
			}
		})
	}
}

func TestGetResolutionAndConnectFailures(t *testing.T) {
	srv, r, ca := setup(t)
	srv.Set("broken.example.com", dnstest.ServFail)
	opt := Options{RootCAs: ca.Pool(), Port: tlstest.ClosedPort(t), Timeout: 3 * time.Second}

	_, err := Get(context.Background(), r, "https://absent.example.com/", opt)
	if !errors.Is(err, ErrNoAddress) || !strings.Contains(err.Error(), "NXDOMAIN") || DNSFailure(err) {
		t.Errorf("NXDOMAIN host: %v", err)
	}
	_, err = Get(context.Background(), r, "https://nowhere.example.com/", opt)
	if !errors.Is(err, ErrNoAddress) || DNSFailure(err) {
		t.Errorf("host without address: %v", err)
	}
	_, err = Get(context.Background(), r, "https://broken.example.com/", opt)
	if !DNSFailure(err) || !errors.Is(err, dnsx.ErrServFail) {
		t.Errorf("SERVFAIL host: %v, want a DNS failure", err)
	}
	_, err = Get(context.Background(), r, "https://mta-sts.example.com/", opt)
	var fe *Error
	if !errors.As(err, &fe) || fe.Stage != StageConnect {
		t.Errorf("closed port: %v, want a connect-stage error", err)
	}
}

func TestGetRejectsNonHTTPS(t *testing.T) {
	for _, u := range []string{"http://mta-sts.example.com/", "https:///x", "ftp://a/", "https://user:pw@a.example/", "::"} {
		_, err := Get(context.Background(), nil, u, Options{})
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("%q: %v", u, err)
		}
		if msg := checks.Message(err); msg != "fetch "+u+": url: not an https URL with a host" {
			t.Errorf("%q: message %q", u, msg)
		}
	}
}

// With an offline resolver the host is resolved from the zone files as
// ever, but no connection is opened.
func TestGetOffline(t *testing.T) {
	r := dnstest.Offline(t, dnstest.Zone(t, "", zone))
	srv, err := fetchtest.Count(t, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Get(context.Background(), r, "https://mta-sts.example.com/", Options{Port: srv.Port})
	var fe *Error
	if !errors.As(err, &fe) || fe.Stage != StageOffline || !NotEvaluated(err) || DNSFailure(err) {
		t.Errorf("address in the zone: %v", err)
	}
	if _, err := Get(context.Background(), r, "https://nowhere.example.com/", Options{Port: srv.Port}); !errors.Is(err, ErrNoAddress) || NotEvaluated(err) {
		t.Errorf("no address in the zone: %v", err)
	}
	if _, err := Get(context.Background(), r, "https://other.example/", Options{Port: srv.Port}); !DNSFailure(err) {
		t.Errorf("outside the zones: %v", err)
	}
	if n := srv.Accepted(); n != 0 {
		t.Errorf("%d connection(s) opened offline", n)
	}
}
