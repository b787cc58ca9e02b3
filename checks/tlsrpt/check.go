package tlsrpt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Finding codes; docs/contract.md fixes the first two, docs/tlsrpt.md lists all.
const (
	CodeMissing         = "tlsrpt.missing"
	CodeSyntax          = "tlsrpt.syntax"
	CodeMultipleRecords = "tlsrpt.multiple-records"
)

const (
	refRecord = "RFC 8460 §3"
	refRUA    = "RFC 8460 §3, §5"
)

// Data is the check's structured result; docs/tlsrpt.md documents the
// keys.
type Data struct {
	Domain string `json:"domain"`
	// Records holds every TXT record at _smtp._tls.<domain>.
	Records []string `json:"records"`
	// Record is the TLS-RPT record judged; Parsed what could be read of
	// it; Valid whether senders would use it.
	Record string  `json:"record,omitempty"`
	Parsed *Record `json:"parsed,omitempty"`
	Valid  bool    `json:"valid"`
	// MTASTS is true when the domain publishes an MTA-STS record;
	// DANEHosts lists its MX hosts with TLSA records at _25._tcp. Both
	// say whether reports matter; null when the lookup failed.
	MTASTS    *bool    `json:"mta_sts"`
	DANEHosts []string `json:"dane_hosts"`
}

// tlsaConcurrency bounds the TLSA queries in flight.
const tlsaConcurrency = 8

// Check looks up and judges the TLS-RPT record of domain (already
// normalised by dnsx.Domain).
func Check(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
	start := time.Now()
	res := checks.Result{Name: Name}
	data := &Data{Domain: domain, Records: []string{}}
	res.Data = data
	run(ctx, r, domain, &res, data)
	res.DurationMS = checks.Since(start)
	res.Settle()
	return res
}

func run(ctx context.Context, r dnsx.Resolver, d string, res *checks.Result, data *Data) {
	// The record, and what tells whether reports matter (MTA-STS, DANE),
	// are independent: ask them all at once.
	var txts []string
	var txtErr error
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); txts, _, txtErr = dnsx.TXT(ctx, r, "_smtp._tls."+d) }()
	go func() { defer wg.Done(); data.MTASTS = hasMTASTS(ctx, r, d) }()
	go func() { defer wg.Done(); data.DANEHosts = daneHosts(ctx, r, d) }()
	wg.Wait()

	if txtErr != nil {
		res.Fail(txtErr)
		res.Summary = fmt.Sprintf("could not look up _smtp._tls.%s: %v", d, dnsx.Brief(txtErr))
		return
	}
	data.Records = append(data.Records, txts...)
	var recs, near []string
	for _, t := range txts {
		switch {
		case IsRecord(t):
			recs = append(recs, t)
		case looksLikeRecord(t):
			near = append(near, t)
		}
	}
	for _, t := range near {
		_, err := Parse(t)
		why := `it does not start with exactly "v=TLSRPTv1;"`
		var es Errors
		if errors.As(err, &es) && len(es) > 0 {
			why = es[0].Message()
		}
		res.Add(finding(CodeSyntax, checks.SeverityFail, refRecord,
			"Write the record as \"v=TLSRPTv1; rua=mailto:tlsrpt@"+d+"\": version first, exactly as shown, then \";\".",
			"a TXT record at _smtp._tls.%s looks like TLS-RPT but senders discard it (%s): %q", d, why, textutil.Clip(t, 80)))
	}
	if len(recs) == 0 && len(near) == 0 {
		missing(res, data, d)
		return
	}
	if len(recs) > 1 {
		res.Add(finding(CodeMultipleRecords, checks.SeverityFail, refRecord,
			"Keep exactly one v=TLSRPTv1 record at _smtp._tls."+d+"; list every destination in its rua, separated by commas.",
			"_smtp._tls.%s has %d TLS-RPT records; senders then send no reports at all", d, len(recs)))
	}
	rec := near
	if len(recs) > 0 {
		rec = recs
	}
	data.Record = rec[0]
	parsed, err := Parse(rec[0])
	data.Parsed = parsed
	data.Valid = len(recs) == 1 && err == nil
	if len(recs) > 0 {
		var es Errors
		if errors.As(err, &es) {
			for _, e := range es {
				res.Add(finding(CodeSyntax, checks.SeverityFail, refRUA, hintFor(e, d),
					"the TLS-RPT record at _smtp._tls.%s is invalid, so senders send no reports: %s", d, e.Message()))
			}
		}
	}
	var uris []string
	for _, u := range parsed.RUA {
		uris = append(uris, u.URI)
	}
	res.Summary = "rua=" + strings.Join(uris, ",")
	if len(uris) == 0 {
		res.Summary = "no valid rua"
	}
	if !data.Valid {
		res.Summary += " (not used by senders)"
	}
}

// missing adds tlsrpt.missing: info, or warn where the domain asks for
// TLS through MTA-STS or DANE and so has failures worth hearing about.
func missing(res *checks.Result, data *Data, d string) {
	var why []string
	if data.MTASTS != nil && *data.MTASTS {
		why = append(why, "MTA-STS")
	}
	if len(data.DANEHosts) > 0 {
		why = append(why, "DANE (TLSA at "+strings.Join(prefix("_25._tcp.", data.DANEHosts), ", ")+")")
	}
	hint := "Publish a TXT record at _smtp._tls." + d + " such as \"v=TLSRPTv1; rua=mailto:tlsrpt@" + d + "\" to receive daily reports of TLS failures from senders."
	if len(why) == 0 {
		res.Add(finding(CodeMissing, checks.SeverityInfo, refRecord, hint,
			"%s has no TLS-RPT record at _smtp._tls.%s: senders cannot report TLS delivery failures", d, d))
	} else {
		res.Add(finding(CodeMissing, checks.SeverityWarn, refRecord, hint,
			"%s uses %s but has no TLS-RPT record at _smtp._tls.%s: when senders fail to deliver over TLS, nobody hears of it", d, strings.Join(why, " and "), d))
	}
	res.Summary = "no TLS-RPT record at _smtp._tls." + d
}

func hintFor(e *SyntaxError, d string) string {
	if e.Field == "rua" {
		return "Give rua as mailto:ADDRESS or https://HOST/PATH URIs separated by commas, e.g. rua=mailto:tlsrpt@" + d + "."
	}
	return "Write the record as \"v=TLSRPTv1; rua=mailto:tlsrpt@" + d + "\"."
}

// hasMTASTS tells whether _mta-sts.<domain> holds an MTA-STS record; nil
// when the query failed.
func hasMTASTS(ctx context.Context, r dnsx.Resolver, d string) *bool {
	txts, _, err := dnsx.TXT(ctx, r, "_mta-sts."+d)
	if err != nil {
		return nil
	}
	found := false
	for _, t := range txts {
		if strings.HasPrefix(t, "v=STSv1") {
			found = true
		}
	}
	return &found
}

// daneHosts lists the MX hosts that have TLSA records for port 25
// (RFC 7672 §2.2). Failed queries count as none: they only decide the
// severity of a missing record.
func daneHosts(ctx context.Context, r dnsx.Resolver, d string) []string {
	mxs, _, err := dnsx.MX(ctx, r, d)
	out := []string{}
	if err != nil {
		return out
	}
	var hosts []string
	seen := map[string]bool{}
	for _, m := range mxs {
		h := strings.ToLower(strings.TrimSuffix(m.Mx, "."))
		if h != "" && !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	has := make([]bool, len(hosts))
	sem := make(chan struct{}, tlsaConcurrency)
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ans, err := r.Query(ctx, "_25._tcp."+h, dns.TypeTLSA)
			has[i] = err == nil && !ans.Empty()
		}()
	}
	wg.Wait()
	for i, h := range hosts {
		if has[i] {
			out = append(out, h)
		}
	}
	return out
}

func prefix(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

func finding(code string, sev checks.Severity, ref, hint, format string, args ...any) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Hint: hint, Ref: ref}
}
