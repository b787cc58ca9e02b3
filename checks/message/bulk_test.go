package message

import (
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// ptrRecords confirm 192.0.2.10 as mail.example.com (its A record is in
// records): a zone of their own, after zoneSep.
const ptrRecords = zoneSep + "2.0.192.in-addr.arpa. 300 IN SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300\n" +
	"10.2.0.192.in-addr.arpa. 300 IN PTR mail.example.com.\n"

// zoneSep starts another zone in a bulkCase's zone text.
const zoneSep = "---\n"

const gmailZone = zoneSep + "gmail.com. 300 IN SOA ns.gmail.com. h.gmail.com. 1 7200 3600 1209600 300\n" +
	"_dmarc.gmail.com. 300 IN TXT \"v=DMARC1; p=none\"\n"

const listHeaders = "List-Unsubscribe: <https://example.com/u/42>, <mailto:u@example.com?subject=42>\r\n" +
	"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"

// newsletter is plain with the one-click fields, signed over them.
func newsletter(t *testing.T, k dkim.SignOptions, extra string) string {
	t.Helper()
	if k.HeaderKeys == nil {
		k.HeaderKeys = []string{"From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"}
	}
	return sign(t, extra+plain, k)
}

type bulkCase struct {
	name    string
	raw     string
	zone    string
	opts    Options
	missed  []string // codes of the missed requirements
	judged  int      // requirements met or missed (not not-judged)
	enforce checks.Status
}

func bulkRun(t *testing.T, c bulkCase) (checks.Result, *BulkData) {
	t.Helper()
	var zones []*dnsx.Zone
	for _, text := range strings.Split(c.zone, zoneSep) {
		if strings.TrimSpace(text) != "" {
			zones = append(zones, dnstest.Zone(t, ".", text))
		}
	}
	rep := check(t, dnstest.Offline(t, zones...), c.raw, c.opts)
	res := result(t, rep, "bulk")
	return res, res.Data.(*BulkData)
}

// Each requirement met, then each one missed in turn; with --bulk a miss
// fails (warns, for unsubscribe), without it it is info.
func TestBulk(t *testing.T) {
	ed := edKey(t)
	key := zoneTXT("s1._domainkey.example.com", keyTXT(t, ed))
	so := dkim.SignOptions{Selector: "s1", Signer: ed, HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed}
	full := records + key + ptrRecords
	good := trace + newsletter(t, so, listHeaders)
	clearTrace := strings.Replace(trace, "with ESMTPS", "with ESMTP", 1)
	gmailFrom := strings.Replace(plain, "alice@example.com", "alice@gmail.com", 1)
	cases := []bulkCase{
		{name: "all met", raw: good, zone: full, judged: 8, enforce: checks.StatusOK},
		{name: "one-click not signed", zone: full, judged: 8, enforce: checks.StatusWarn, missed: []string{"bulk.one-click-unsigned"},
			raw: trace + newsletter(t, dkim.SignOptions{Selector: "s1", Signer: ed, HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"}}, listHeaders)},
		{name: "one-click half signed", zone: full, judged: 8, enforce: checks.StatusWarn, missed: []string{"bulk.one-click-unsigned"},
			raw: trace + newsletter(t, dkim.SignOptions{Selector: "s1", Signer: ed, HeaderKeys: []string{"From", "Date", "Message-ID", "List-Unsubscribe"}}, listHeaders)},
		{name: "no One-Click", zone: full, judged: 8, enforce: checks.StatusWarn, missed: []string{"bulk.one-click"},
			raw: trace + newsletter(t, so, "List-Unsubscribe: <https://example.com/u/42>\r\n")},
		{name: "One-Click misspelt", zone: full, judged: 8, enforce: checks.StatusWarn, missed: []string{"bulk.one-click"},
			raw: trace + newsletter(t, so, "List-Unsubscribe: <https://example.com/u/42>\r\nList-Unsubscribe-Post: List-Unsubscribe=OneClick\r\n")},
		{name: "mailto only", zone: full, judged: 8, enforce: checks.StatusWarn, missed: []string{"bulk.unsubscribe"},
			raw: trace + newsletter(t, so, "List-Unsubscribe: <mailto:u@example.com>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")},
		{name: "no List-Unsubscribe", zone: full, judged: 8, enforce: checks.StatusWarn, missed: []string{"bulk.unsubscribe"},
			raw: trace + sign(t, plain, so)},
		{name: "no PTR", raw: good, zone: records + key + ptrRecords[:strings.Index(ptrRecords, "10.2.0.192")], judged: 8, enforce: checks.StatusFail, missed: []string{"bulk.ptr"}},
		{name: "PTR not confirmed", raw: good, zone: records + key + "other.example.com. 300 IN A 192.0.2.99\n" + strings.Replace(ptrRecords, "IN PTR mail.", "IN PTR other.", 1),
			judged: 8, enforce: checks.StatusFail, missed: []string{"bulk.ptr"}},
		{name: "SPF fails", raw: good, judged: 8, enforce: checks.StatusFail, missed: []string{"bulk.spf"},
			zone: strings.ReplaceAll(records, "ip4:192.0.2.10", "ip4:192.0.2.99") + key + ptrRecords},
		{name: "unsigned", zone: full, judged: 8, enforce: checks.StatusFail, missed: []string{"bulk.dkim", "bulk.one-click-unsigned"},
			raw: trace + listHeaders + plain},
		{name: "no DMARC", raw: good, judged: 8, enforce: checks.StatusFail, missed: []string{"bulk.dmarc"},
			zone: strings.Replace(records, "_dmarc.example.com.", "_nodmarc.example.com.", 1) + key + ptrRecords},
		{name: "gmail From not aligned", zone: full + gmailZone, judged: 8, enforce: checks.StatusFail,
			missed: []string{"bulk.dmarc-alignment", "bulk.impersonation"},
			raw:    trace + sign(t, listHeaders+gmailFrom, dkim.SignOptions{Selector: "s1", Signer: ed, HeaderKeys: []string{"From", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"}})},
		{name: "clear text", zone: full, judged: 8, enforce: checks.StatusFail, missed: []string{"bulk.tls"},
			raw: clearTrace + newsletter(t, so, listHeaders)},
		{name: "no Message-ID, two Dates", zone: full, judged: 8, enforce: checks.StatusFail, missed: []string{"bulk.headers"},
			raw: trace + newsletter(t, dkim.SignOptions{Selector: "s1", Signer: ed, HeaderKeys: []string{"From", "List-Unsubscribe", "List-Unsubscribe-Post"}},
				listHeaders+"Date: Tue, 1 Dec 2026 10:00:01 +0000\r\n")},
		{name: "no IP known", zone: full, judged: 5, enforce: checks.StatusWarn, missed: []string{"bulk.unsubscribe"},
			raw: sign(t, plain, so)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, enforce := range []bool{false, true} {
				c.opts.Bulk = enforce
				res, d := bulkRun(t, c)
				var missed []string
				judged := 0
				for _, f := range res.Findings {
					if f.Code == "bulk.not-judged" {
						if f.Severity != checks.SeverityInfo {
							t.Errorf("not-judged %s", f.Severity)
						}
						continue
					}
					missed = append(missed, f.Code)
					want := checks.SeverityInfo
					if enforce {
						want = checks.SeverityFail
						if strings.Contains(f.Code, "unsubscribe") || strings.Contains(f.Code, "one-click") {
							want = checks.SeverityWarn
						}
					}
					if f.Severity != want || !strings.Contains(f.Hint, "https://support.google.com/a/answer/81126") {
						t.Errorf("%s: severity %s, hint %q", f.Code, f.Severity, f.Hint)
					}
				}
				for _, r := range d.Requirements {
					if r.State != BulkNotJudged {
						judged++
					}
					if len(r.Providers) == 0 {
						t.Errorf("requirement %s names no provider", r.ID)
					}
				}
				if strings.Join(missed, ",") != strings.Join(c.missed, ",") || judged != c.judged || len(d.Requirements) != 8 || d.Enforced != enforce {
					t.Errorf("--bulk=%v: missed %v (want %v), %d judged (want %d): %+v", enforce, missed, c.missed, judged, c.judged, d.Requirements)
				}
				want := checks.StatusOK
				if enforce {
					want = c.enforce
				}
				if res.Status != want {
					t.Errorf("--bulk=%v: status %s, want %s", enforce, res.Status, want)
				}
			}
		})
	}
}

// The PTR is not looked up for a private or loopback sender, and is
// looked up in the first round of DNS for a public one.
func TestBulkPTRScope(t *testing.T) {
	loop := strings.Replace(trace, "192.0.2.10", "10.1.2.3", 1)
	res, d := bulkRun(t, bulkCase{raw: loop + plain, zone: records})
	if d.PTR != nil || !strings.Contains(findingOf(res, "bulk.not-judged").Message, "not a public address") {
		t.Errorf("ptr %+v findings %v", d.PTR, codes(res))
	}
	_, d = bulkRun(t, bulkCase{raw: trace + plain, zone: records + ptrRecords})
	if d.PTR == nil || !d.PTR.Confirmed || d.PTR.ConfirmedName != "mail.example.com" {
		t.Errorf("ptr %+v", d.PTR)
	}
}
