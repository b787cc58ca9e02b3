package exporter

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dmarc"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/smtpprobe"
	"github.com/relayctl/relayctl/checks/spf"
)

// statuses are every check status, for the state-set series.
var statuses = []checks.Status{checks.StatusOK, checks.StatusInfo, checks.StatusWarn, checks.StatusFail, checks.StatusError}

// Success says whether a probe counts as successful: every check reached
// a verdict and none failed (the report's status is ok, info or warn).
func Success(rep checks.Report) bool {
	return rep.Error == "" && rep.Status != checks.StatusFail && rep.Status != checks.StatusError
}

// policyLevel orders DMARC policies by strength (RFC 7489 §6.3: none,
// quarantine, reject); no policy is 0 like none.
func policyLevel(p dmarc.Policy) float64 {
	switch p {
	case dmarc.PolicyQuarantine:
		return 1
	case dmarc.PolicyReject:
		return 2
	}
	return 0
}

// collect registers on reg the metrics of one finished probe.
func collect(reg *prometheus.Registry, rep checks.Report, took time.Duration) {
	gauge := func(name, help string) prometheus.Gauge {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		reg.MustRegister(g)
		return g
	}
	vec := func(name, help string, labels ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
		reg.MustRegister(g)
		return g
	}
	ok := 0.0
	if Success(rep) {
		ok = 1
	}
	gauge("relayctl_probe_success", "1 when every check reached a verdict and none failed").Set(ok)
	gauge("relayctl_probe_duration_seconds", "how long the probe took").Set(took.Seconds())
	repStatus := vec("relayctl_probe_status", "the report's status: 1 for the status it has, 0 for the others", "status")
	for _, s := range statuses {
		repStatus.WithLabelValues(string(s)).Set(boolf(rep.Status == s))
	}
	checkStatus := vec("relayctl_check_status", "each check's status: 1 for the status it has, 0 for the others", "check", "status")
	finding := vec("relayctl_finding", "1 for each finding of a check, by code and severity", "check", "code", "severity")
	var listed, refused, unhealthy, certExpiry, spfLookups, spfLimit, dmarcLevel, dmarcPolicy *prometheus.GaugeVec
	for _, c := range rep.Checks {
		for _, s := range statuses {
			checkStatus.WithLabelValues(c.Name, string(s)).Set(boolf(c.Status == s))
		}
		for _, f := range c.Findings {
			finding.WithLabelValues(c.Name, f.Code, string(f.Severity)).Set(1)
		}
		switch d := c.Data.(type) {
		case *dnsbl.Data:
			if listed == nil {
				listed = vec("relayctl_dnsbl_listed", "1 when the list lists the target (for an allowlist: vouches for it)", "list", "zone", "allowlist")
				refused = vec("relayctl_dnsbl_refused", "1 when the list refused to answer the resolver", "list", "zone")
				unhealthy = vec("relayctl_dnsbl_unhealthy", "1 when the list failed its self-test", "list", "zone")
			}
			// A list that gave no verdict says nothing of a listing.
			if c.Status != checks.StatusError || d.Listed {
				listed.WithLabelValues(d.List, d.Zone, boolText(d.Allowlist)).Set(boolf(d.Listed))
			}
			refused.WithLabelValues(d.List, d.Zone).Set(boolf(d.Refused || d.Health.State == dnsbl.HealthRefused))
			unhealthy.WithLabelValues(d.List, d.Zone).Set(boolf(d.Health.State == dnsbl.HealthUnhealthy))
		case *smtpprobe.Probe:
			if d.TLS == nil || d.TLS.Certificate == nil {
				continue
			}
			if certExpiry == nil {
				certExpiry = vec("relayctl_smtp_cert_not_after_timestamp_seconds", "when the SMTP server's certificate expires (Unix time)", "host", "address", "port")
			}
			certExpiry.WithLabelValues(d.Host, d.Address.String(), itoa(d.Port)).Set(float64(d.TLS.Certificate.NotAfter.Unix()))
		case spf.Data:
			if c.Status == checks.StatusError {
				continue
			}
			spfLookups = vec("relayctl_spf_lookups", "DNS-querying terms of the SPF record's include/redirect tree (RFC 7208 §4.6.4)", "domain")
			spfLimit = vec("relayctl_spf_lookup_limit", "the most DNS-querying terms SPF allows (RFC 7208 §4.6.4)", "domain")
			spfLookups.WithLabelValues(rep.Target).Set(float64(d.Lookups))
			spfLimit.WithLabelValues(rep.Target).Set(float64(d.LookupLimit))
		case *dmarc.Data:
			if c.Status == checks.StatusError {
				continue
			}
			dmarcLevel = vec("relayctl_dmarc_policy_level", "the effective DMARC policy: 0 none (or no record), 1 quarantine, 2 reject", "domain")
			dmarcPolicy = vec("relayctl_dmarc_policy", "1 for the effective DMARC policy (\"\" for no record)", "domain", "policy")
			dmarcLevel.WithLabelValues(rep.Target).Set(policyLevel(d.EffectivePolicy))
			dmarcPolicy.WithLabelValues(rep.Target, string(d.EffectivePolicy)).Set(1)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
