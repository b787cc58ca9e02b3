package exporter

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/tlsx"
)

// Defaults of Options.
const (
	DefaultMaxConcurrent = 8
	DefaultTimeout       = 10 * time.Second
	DefaultMaxTimeout    = 60 * time.Second
	// TimeoutMargin is taken off Prometheus's scrape timeout, so that the
	// answer arrives before Prometheus gives up on it.
	TimeoutMargin = 500 * time.Millisecond
)

// ScrapeTimeoutHeader is the header in which Prometheus says how long it
// waits for a scrape.
const ScrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds"

// Options tune a Handler.
type Options struct {
	// NewResolver builds the resolver of a module whose config names
	// servers (nil: the global ones); it is called once per module by New.
	NewResolver func(servers []string) (dnsx.Resolver, error)
	// MaxConcurrent bounds the probes running at once; one more is
	// answered 503 (DefaultMaxConcurrent when zero).
	MaxConcurrent int
	// DefaultTimeout is a probe's limit when the request has no scrape
	// timeout header; MaxTimeout caps any limit.
	DefaultTimeout time.Duration
	MaxTimeout     time.Duration
	// Registerer takes the exporter's own counters (nil: none are
	// registered).
	Registerer prometheus.Registerer
	// Keys are the blocklist accounts' keys (RELAYCTL_DQS_KEY,
	// RELAYCTL_ABUSIX_KEY): the lists that need one are skipped without.
	// They never appear in a metric (dnsbl redacts them).
	Keys dnsbl.Keys
	// Logger logs failed probes (nil: slog's default).
	Logger *slog.Logger
	// Roots verify TLS servers in every module without a ca of its own
	// (serve's --ca: the system's roots plus a file); nil is the
	// system's roots.
	Roots *x509.CertPool
}

// Handler answers /probe.
type Handler struct {
	modules   map[string]module
	sem       chan struct{}
	opt       Options
	probes    *prometheus.CounterVec
	rejected  *prometheus.CounterVec
	inFlight  prometheus.Gauge
	durations *prometheus.HistogramVec
}

type module struct {
	Module
	r       dnsx.Resolver
	servers []string
	roots   *x509.CertPool
}

// New builds a Handler for cfg's modules.
func New(cfg Config, opt Options) (*Handler, error) {
	if opt.MaxConcurrent <= 0 {
		opt.MaxConcurrent = DefaultMaxConcurrent
	}
	if opt.MaxTimeout <= 0 {
		opt.MaxTimeout = DefaultMaxTimeout
	}
	if opt.DefaultTimeout <= 0 {
		opt.DefaultTimeout = min(DefaultTimeout, opt.MaxTimeout)
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	h := &Handler{modules: map[string]module{}, sem: make(chan struct{}, opt.MaxConcurrent), opt: opt}
	for name, m := range cfg.Modules {
		if err := m.validate(); err != nil {
			return nil, checks.NewError("exporter", ErrConfig, fmt.Sprintf("module %q: %s", name, err))
		}
		r, err := opt.NewResolver(m.Resolvers)
		if err != nil {
			return nil, checks.WrapError("exporter", ErrConfig, fmt.Sprintf("module %q: its resolver", name), err)
		}
		// The blocklist modules' resolver check names the servers asked.
		var servers []string
		if c, ok := r.(*dnsx.Client); ok {
			servers = c.Servers()
		}
		roots := opt.Roots
		if m.CA != "" {
			if roots, err = tlsx.LoadCA(m.CA); err != nil {
				return nil, checks.WrapError("exporter", ErrConfig, fmt.Sprintf("module %q: ca %s", name, m.CA), err)
			}
		}
		h.modules[name] = module{Module: m, r: r, servers: servers, roots: roots}
	}
	h.probes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "relayctl_exporter_probes_total", Help: "probes run, by module and outcome"}, []string{"module", "success"})
	h.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "relayctl_exporter_probes_rejected_total", Help: "probe requests refused, by reason"}, []string{"reason"})
	h.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "relayctl_exporter_probes_in_flight", Help: "probes running now"})
	h.durations = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "relayctl_exporter_probe_duration_seconds", Help: "how long probes took, by module", Buckets: prometheus.DefBuckets}, []string{"module"})
	if opt.Registerer != nil {
		for _, c := range []prometheus.Collector{h.probes, h.rejected, h.inFlight, h.durations} {
			if err := opt.Registerer.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return h, nil
}

// ServeHTTP answers /probe?module=M&target=T.
func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	name := q.Get("module")
	m, ok := h.modules[name]
	if !ok {
		h.reject(w, "bad_request", http.StatusBadRequest, fmt.Sprintf("unknown module %q", name))
		return
	}
	target := q.Get("target")
	if target == "" {
		h.reject(w, "bad_request", http.StatusBadRequest, "target parameter is missing")
		return
	}
	run, err := prepare(m.Module, m.r, m.servers, m.roots, h.opt.Keys, target)
	if err != nil {
		h.reject(w, "bad_request", http.StatusBadRequest, checks.Message(err))
		return
	}
	limit, err := h.timeout(req, m.Module)
	if err != nil {
		h.reject(w, "bad_request", http.StatusBadRequest, checks.Message(err))
		return
	}
	select {
	case h.sem <- struct{}{}:
	default:
		h.reject(w, "busy", http.StatusServiceUnavailable, fmt.Sprintf("%d probes are running already; try again later", cap(h.sem)))
		return
	}
	defer func() { <-h.sem }()
	h.inFlight.Inc()
	defer h.inFlight.Dec()

	ctx, cancel := context.WithTimeout(req.Context(), limit)
	defer cancel()
	start := time.Now()
	rep := run(ctx)
	took := time.Since(start)
	success := Success(rep)
	h.probes.WithLabelValues(name, strconv.FormatBool(success)).Inc()
	h.durations.WithLabelValues(name).Observe(took.Seconds())
	if !success {
		h.opt.Logger.Debug("probe failed", "module", name, "target", target, "status", rep.Status, "error", rep.Error)
	}
	reg := prometheus.NewRegistry()
	collect(reg, rep, took)
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, req)
}

// timeout is the probe's limit: the scrape timeout less TimeoutMargin
// (DefaultTimeout without the header), no more than the module's timeout
// and MaxTimeout.
func (h *Handler) timeout(req *http.Request, m Module) (time.Duration, error) {
	t := h.opt.DefaultTimeout
	if v := req.Header.Get(ScrapeTimeoutHeader); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || secs <= 0 || secs > 1e6 {
			return 0, checks.NewError("exporter", ErrTarget, fmt.Sprintf("invalid %s %q: want a positive number of seconds", ScrapeTimeoutHeader, v))
		}
		t = time.Duration(secs * float64(time.Second))
		if t > 2*TimeoutMargin {
			t -= TimeoutMargin
		}
	}
	if m.Timeout > 0 && m.Timeout < t {
		t = m.Timeout
	}
	return min(t, h.opt.MaxTimeout), nil
}

func (h *Handler) reject(w http.ResponseWriter, reason string, code int, msg string) {
	h.rejected.WithLabelValues(reason).Inc()
	http.Error(w, msg, code)
}
