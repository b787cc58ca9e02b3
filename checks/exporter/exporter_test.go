package exporter

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/ipcheck"
)

const testZone = `$ORIGIN example.test.
$TTL 300
@ IN SOA ns.example.test. hostmaster.example.test. 1 7200 3600 1209600 300
@ IN NS ns.example.test.
ns IN A 192.0.2.53
@ IN MX 10 mx.example.test.
mx IN A 192.0.2.25
@ IN TXT "v=spf1 mx include:_spf.example.test -all"
_spf IN TXT "v=spf1 ip4:192.0.2.0/24 a:relay.example.test -all"
relay IN A 192.0.2.26
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.test"
`

// A list that lists its test entry and 192.0.2.25, and one that lists
// nothing, not even its test entry (unhealthy).
const listZones = `$ORIGIN test.
$TTL 300
@ IN SOA ns.test. hostmaster.test. 1 7200 3600 1209600 300
@ IN NS ns.test.
2.0.0.127.bl IN A 127.0.0.2
25.2.0.192.bl IN A 127.0.0.2
25.2.0.192.bl IN TXT "listed for testing"
ns IN A 192.0.2.53
`

// newHandler is a Handler over the loopback zones, its counters on reg.
func newHandler(t *testing.T, cfg Config, r dnsx.Resolver, opt Options) (*Handler, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	opt.Registerer = reg
	opt.NewResolver = func([]string) (dnsx.Resolver, error) { return r, nil }
	h, err := New(cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	return h, reg
}

func offline(t *testing.T) dnsx.Resolver {
	return dnstest.Offline(t, dnstest.Zone(t, "", testZone), dnstest.Zone(t, "", listZones))
}

func testConfig() Config {
	c := DefaultConfig()
	c.Modules["lists"] = Module{Prober: ProberBlacklist, Lists: []string{"bl.test", "empty.test"}}
	c.Modules["spf"] = Module{Prober: ProberDomain, Parts: []string{"spf", "dmarc"}}
	c.Modules["sender"] = Module{Prober: ProberIP, Lists: []string{"bl.test"}, NoReputation: true}
	return c
}

// probe asks h and parses the answer.
func probe(t *testing.T, h http.Handler, query string, header map[string]string) (int, map[string]*dto.MetricFamily, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/probe?"+query, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		return w.Code, nil, body
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, body)
	}
	return w.Code, fams, body
}

// value is the gauge of name whose labels include want; ok false when
// there is none.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		return m.GetGauge().GetValue(), true
	}
	return 0, false
}

func mustValue(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string, expect float64) {
	t.Helper()
	v, ok := value(fams, name, want)
	if !ok {
		t.Errorf("no series %s%v", name, want)
		return
	}
	if v != expect {
		t.Errorf("%s%v = %v, want %v", name, want, v, expect)
	}
}

func TestDomainProbe(t *testing.T) {
	h, reg := newHandler(t, testConfig(), offline(t), Options{})
	code, fams, body := probe(t, h, "module=spf&target=example.test", nil)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	mustValue(t, fams, "relayctl_probe_success", nil, 1)
	if _, ok := value(fams, "relayctl_probe_duration_seconds", nil); !ok {
		t.Error("no relayctl_probe_duration_seconds")
	}
	// mx, include:_spf, a:relay: three lookups of the ten allowed.
	mustValue(t, fams, "relayctl_spf_lookups", map[string]string{"domain": "example.test"}, 3)
	mustValue(t, fams, "relayctl_spf_lookup_limit", map[string]string{"domain": "example.test"}, 10)
	mustValue(t, fams, "relayctl_dmarc_policy_level", map[string]string{"domain": "example.test"}, 2)
	mustValue(t, fams, "relayctl_dmarc_policy", map[string]string{"domain": "example.test", "policy": "reject"}, 1)
	mustValue(t, fams, "relayctl_check_status", map[string]string{"check": "spf", "status": "ok"}, 1)
	mustValue(t, fams, "relayctl_check_status", map[string]string{"check": "spf", "status": "fail"}, 0)
	mustValue(t, fams, "relayctl_probe_status", map[string]string{"status": "ok"}, 1)
	if _, ok := value(fams, "relayctl_check_status", map[string]string{"check": "mx"}); ok {
		t.Error("the module runs spf and dmarc only, yet mx has a series")
	}
	if got := testutil.ToFloat64(h.probes.WithLabelValues("spf", "true")); got != 1 {
		t.Errorf("probes_total{spf,true} = %v, want 1", got)
	}
	if n, err := testutil.GatherAndCount(reg, "relayctl_exporter_probes_total"); err != nil || n != 1 {
		t.Errorf("exporter registry: %d probes_total series, %v", n, err)
	}
}

func TestDomainProbeFindings(t *testing.T) {
	zone := strings.Replace(testZone, "p=reject", "p=none", 1)
	r := dnstest.Offline(t, dnstest.Zone(t, "", zone))
	h, _ := newHandler(t, testConfig(), r, Options{})
	_, fams, body := probe(t, h, "module=spf&target=example.test", nil)
	mustValue(t, fams, "relayctl_dmarc_policy_level", map[string]string{"domain": "example.test"}, 0)
	mustValue(t, fams, "relayctl_finding", map[string]string{"check": "dmarc", "code": "dmarc.policy-none", "severity": "warn"}, 1)
	mustValue(t, fams, "relayctl_check_status", map[string]string{"check": "dmarc", "status": "warn"}, 1)
	// A warning is no failure.
	mustValue(t, fams, "relayctl_probe_success", nil, 1)
	if t.Failed() {
		t.Log(body)
	}
}

func TestBlacklistProbe(t *testing.T) {
	h, _ := newHandler(t, testConfig(), offline(t), Options{})
	code, fams, body := probe(t, h, "module=lists&target=192.0.2.25", nil)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	mustValue(t, fams, "relayctl_dnsbl_listed", map[string]string{"zone": "bl.test"}, 1)
	mustValue(t, fams, "relayctl_dnsbl_unhealthy", map[string]string{"zone": "bl.test"}, 0)
	mustValue(t, fams, "relayctl_dnsbl_unhealthy", map[string]string{"zone": "empty.test"}, 1)
	mustValue(t, fams, "relayctl_probe_success", nil, 0)
	// Another address is not listed.
	_, fams, _ = probe(t, h, "module=lists&target=192.0.2.80", nil)
	mustValue(t, fams, "relayctl_dnsbl_listed", map[string]string{"zone": "bl.test"}, 0)
}

func TestIPProbe(t *testing.T) {
	h, _ := newHandler(t, testConfig(), offline(t), Options{})
	code, fams, body := probe(t, h, "module=sender&target=192.0.2.25", nil)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	mustValue(t, fams, "relayctl_dnsbl_listed", map[string]string{"zone": "bl.test"}, 1)
	// No reverse zone for 192.0.2.0/24 offline: the ptr check has a
	// status, and it is no ok.
	if _, ok := value(fams, "relayctl_check_status", map[string]string{"check": ipcheck.NamePTR, "status": "ok"}); !ok {
		t.Error("no ptr check")
	}
	mustValue(t, fams, "relayctl_check_status", map[string]string{"check": ipcheck.NamePTR, "status": "ok"}, 0)
	if _, ok := value(fams, "relayctl_check_status", map[string]string{"check": ipcheck.NameReputation}); ok {
		t.Error("no_reputation, yet a reputation check")
	}
	mustValue(t, fams, "relayctl_probe_success", nil, 0)
}

func TestBadRequests(t *testing.T) {
	h, reg := newHandler(t, testConfig(), offline(t), Options{})
	for _, tc := range []struct{ query, header, want string }{
		{"module=nope&target=example.test", "", "unknown module"},
		{"target=example.test", "", "unknown module"},
		{"module=domain", "", "target parameter is missing"},
		{"module=domain&target=exa%20mple..test", "", "invalid target"},
		{"module=ip&target=example.test", "", "want an IP address"},
		{"module=smtp&target=host:port:x", "", "invalid target"},
		{"module=domain&target=example.test", "soon", "invalid X-Prometheus-Scrape-Timeout-Seconds"},
		{"module=domain&target=example.test", "-1", "invalid X-Prometheus-Scrape-Timeout-Seconds"},
	} {
		var hdr map[string]string
		if tc.header != "" {
			hdr = map[string]string{ScrapeTimeoutHeader: tc.header}
		}
		code, _, body := probe(t, h, tc.query, hdr)
		if code != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("%s (header %q): %d %q, want 400 with %q", tc.query, tc.header, code, body, tc.want)
		}
		if strings.Contains(body, "exporter:") || strings.Contains(body, "dnsx:") {
			t.Errorf("%s: a package name in the answer: %q", tc.query, body)
		}
	}
	if n, err := testutil.GatherAndCount(reg, "relayctl_exporter_probes_total"); err != nil || n != 0 {
		t.Errorf("a rejected request counted as a probe: %d, %v", n, err)
	}
	if got := testutil.ToFloat64(h.rejected.WithLabelValues("bad_request")); got != 8 {
		t.Errorf("rejected{bad_request} = %v, want 8", got)
	}
}

// slow is a resolver whose every answer takes d.
func slow(t *testing.T, d time.Duration) dnsx.Resolver {
	s := dnstest.Start(t, dnstest.Zone(t, "", testZone))
	s.SetDelay(d)
	return s.Client(time.Minute)
}

func TestScrapeTimeoutHeader(t *testing.T) {
	h, _ := newHandler(t, testConfig(), slow(t, 3*time.Second), Options{DefaultTimeout: 30 * time.Second, MaxTimeout: 40 * time.Second})
	start := time.Now()
	code, fams, body := probe(t, h, "module=spf&target=example.test", map[string]string{ScrapeTimeoutHeader: "1.5"})
	took := time.Since(start)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	// 1.5s less the half-second margin.
	if took < 900*time.Millisecond || took > 2500*time.Millisecond {
		t.Errorf("the probe took %s, want about 1s", took)
	}
	mustValue(t, fams, "relayctl_probe_success", nil, 0)
	mustValue(t, fams, "relayctl_check_status", map[string]string{"check": "spf", "status": "error"}, 1)
}

func TestTimeoutCaps(t *testing.T) {
	h, _ := newHandler(t, testConfig(), offline(t), Options{DefaultTimeout: 7 * time.Second, MaxTimeout: 20 * time.Second})
	for _, tc := range []struct {
		header string
		module Module
		want   time.Duration
	}{
		{"", Module{}, 7 * time.Second},
		{"10", Module{}, 9500 * time.Millisecond},
		{"120", Module{}, 20 * time.Second},
		{"10", Module{Timeout: 3 * time.Second}, 3 * time.Second},
		{"0.5", Module{}, 500 * time.Millisecond},
	} {
		req := httptest.NewRequest(http.MethodGet, "/probe", nil)
		if tc.header != "" {
			req.Header.Set(ScrapeTimeoutHeader, tc.header)
		}
		got, err := h.timeout(req, tc.module)
		if err != nil || got != tc.want {
			t.Errorf("header %q, module timeout %s: %s, %v; want %s", tc.header, tc.module.Timeout, got, err, tc.want)
		}
	}
}

func TestConcurrencyBound(t *testing.T) {
	h, _ := newHandler(t, testConfig(), slow(t, 3*time.Second), Options{MaxConcurrent: 1})
	var wg sync.WaitGroup
	first := make(chan int, 1)
	wg.Go(func() {
		code, _, _ := probe(t, h, "module=spf&target=example.test", map[string]string{ScrapeTimeoutHeader: "1.5"})
		first <- code
	})
	deadline := time.Now().Add(5 * time.Second)
	for testutil.ToFloat64(h.inFlight) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the first probe never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	code, _, body := probe(t, h, "module=spf&target=example.test", nil)
	if code != http.StatusServiceUnavailable {
		t.Errorf("second probe: %d %q, want 503", code, body)
	}
	wg.Wait()
	if c := <-first; c != http.StatusOK {
		t.Errorf("first probe: %d", c)
	}
	if got := testutil.ToFloat64(h.rejected.WithLabelValues("busy")); got != 1 {
		t.Errorf("rejected{busy} = %v, want 1", got)
	}
	// The slot is free again.
	if got := testutil.ToFloat64(h.inFlight); got != 0 {
		t.Errorf("in flight after both: %v", got)
	}
}
