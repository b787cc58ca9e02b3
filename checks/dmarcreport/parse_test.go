package dmarcreport

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "report", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipOf makes a zip of the named files; a name ending in "/" is a folder.
func zipOf(t testing.TB, files ...string) func(data ...[]byte) []byte {
	return func(data ...[]byte) []byte {
		t.Helper()
		var b bytes.Buffer
		w := zip.NewWriter(&b)
		i := 0
		for _, name := range files {
			f, err := w.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(name, "/") {
				f.Write(data[i])
				i++
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
}

// mailWith makes an email with one base64 attachment.
func mailWith(ctype string, attachment []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(attachment)
	var lines []string
	for len(enc) > 76 {
		lines = append(lines, enc[:76])
		enc = enc[76:]
	}
	lines = append(lines, enc)
	return []byte("From: noreply-dmarc@receiver.example\r\nTo: rua@example.com\r\nSubject: Report domain: example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate report.\r\n--b1\r\nContent-Type: " + ctype + "; name=\"r\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n\r\n" + strings.Join(lines, "\r\n") + "\r\n--b1--\r\n")
}

func parseAll(t testing.TB, data []byte, opt Options) ([]Record, Result) {
	t.Helper()
	var recs []Record
	res, err := Parse(context.Background(), data, opt, func(r Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if res.Records != len(recs) {
		t.Fatalf("Result.Records %d, emitted %d", res.Records, len(recs))
	}
	return recs, res
}

func aggregates(t *testing.T, recs []Record) []*Aggregate {
	t.Helper()
	var out []*Aggregate
	for _, r := range recs {
		a, ok := r.(*Aggregate)
		if !ok {
			t.Fatalf("record %T, want *Aggregate", r)
		}
		out = append(out, a)
	}
	return out
}

func TestAggregateRFC7489(t *testing.T) {
	recs, res := parseAll(t, testdata(t, "example.com-rfc7489.xml"), Options{})
	if len(res.Problems) != 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	as := aggregates(t, recs)
	if len(as) != 3 || res.Reports != 1 {
		t.Fatalf("%d records in %d reports, want 3 in 1", len(as), res.Reports)
	}
	a := as[0]
	if a.Type != TypeAggregate || a.OrgName != "receiver.example" || a.ReportID != "rfc7489-0001" || a.PolicyDomain != "example.com" {
		t.Errorf("metadata: %+v", a)
	}
	if !a.Begin.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("begin %v", a.Begin)
	}
	if a.Policy.P != "none" || a.Policy.Pct == nil || *a.Policy.Pct != 100 {
		t.Errorf("policy %+v", a.Policy)
	}
	if a.SourceIP != "192.0.2.10" || a.Count != 120 || a.DKIM != "pass" || a.SPF != "pass" {
		t.Errorf("row %+v", a)
	}
	if len(a.AuthResults.DKIM) != 1 || a.AuthResults.DKIM[0].Selector != "s2026" || a.AuthResults.SPF[0].Scope != "mfrom" {
		t.Errorf("auth results %+v", a.AuthResults)
	}
	b := as[1]
	if b.DKIM != "fail" || b.SPF != "fail" {
		t.Errorf("upper-case results not lowered: %q %q", b.DKIM, b.SPF)
	}
	if len(b.Reasons) != 1 || b.Reasons[0].Type != "forwarded" || b.Reasons[0].Comment != "list.example.org" {
		t.Errorf("reasons (the empty one dropped) %+v", b.Reasons)
	}
	if as[2].SourceIP != "2001:db8::25" {
		t.Errorf("IPv6 not canonical: %q", as[2].SourceIP)
	}
	if len(as[2].AuthResults.DKIM) != 0 || as[2].AuthResults.DKIM == nil {
		t.Errorf("no DKIM result should be an empty list: %#v", as[2].AuthResults.DKIM)
	}
}

func TestAggregateDMARCbis(t *testing.T) {
	recs, res := parseAll(t, testdata(t, "example.com-dmarcbis.xml"), Options{})
	if len(res.Problems) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("problems %v warnings %v", res.Problems, res.Warnings)
	}
	as := aggregates(t, recs)
	if len(as) != 1 {
		t.Fatalf("%d records", len(as))
	}
	a := as[0]
	if a.Version != "1.0" || a.Policy.NP != "reject" || a.Policy.DiscoveryMethod != "treewalk" || a.Policy.Testing != "n" || a.Generator == "" {
		t.Errorf("DMARCbis fields: %+v", a)
	}
	if a.Begin.Unix() != 1796083200 {
		t.Errorf("float begin read as %v", a.Begin)
	}
	if a.SourceIP != "203.0.113.5" || a.Disposition != "pass" || a.HeaderFrom != "example.com" || a.EnvelopeTo != "mailbox.example" {
		t.Errorf("row %+v", a)
	}
	if len(a.AuthResults.DKIM) != 2 || a.AuthResults.DKIM[0].Result != "pass" {
		t.Errorf("auth %+v", a.AuthResults)
	}
}

func TestTLSRPT(t *testing.T) {
	recs, res := parseAll(t, testdata(t, "example.com-tlsrpt.json"), Options{})
	if len(res.Problems) != 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want one per policy (2)", len(recs))
	}
	r := recs[0].(*TLSRPT)
	if r.OrganizationName != "receiver.example" || r.PolicyType != "sts" || r.PolicyDomain != "example.com" || r.TotalSuccessfulSessionCount != 5326 || r.TotalFailureSessionCount != 303 {
		t.Errorf("policy 1 %+v", r)
	}
	if len(r.FailureDetails) != 3 || r.FailureDetails[1].ResultType != "starttls-not-supported" || r.FailureDetails[1].FailedSessionCount != 200 || r.FailureDetails[0].SendingMTAIP != "2001:db8:abcd:12::1" {
		t.Errorf("failure details %+v", r.FailureDetails)
	}
	r2 := recs[1].(*TLSRPT)
	if r2.PolicyType != "no-policy-found" || len(r2.MXHost) != 1 || r2.MXHost[0] != "mx3.example.com" || r2.TotalSuccessfulSessionCount != 12 {
		t.Errorf("policy 2 (mx-host as a string, count as a string) %+v", r2)
	}
	if org, id := r.Key(); r.StartDatetime.IsZero() || org != "receiver.example" || id != "2026-12-01T00:00:00Z_example.com" {
		t.Errorf("start %v", r.StartDatetime)
	}
}

func TestFailureReport(t *testing.T) {
	recs, res := parseAll(t, testdata(t, "example.com-afrf.eml"), Options{})
	if len(res.Problems) != 0 || len(recs) != 1 {
		t.Fatalf("%d records, problems %v", len(recs), res.Problems)
	}
	f := recs[0].(*Failure)
	if f.FeedbackType != "auth-failure" || f.SourceIP != "192.0.2.1" || f.ReportedDomain != "example.com" || f.DeliveryResult != "reject" || f.DKIMDomain != "example.com" || f.DKIMSelector != "s2026" {
		t.Errorf("fields %+v", f)
	}
	if len(f.AuthFailure) != 1 || f.AuthFailure[0] != "dmarc" || f.OriginalMailFrom != "bounce@spoof.example.net" || len(f.OriginalRcptTo) != 1 || f.OriginalRcptTo[0] != "user@receiver.example" {
		t.Errorf("lists %+v", f)
	}
	if f.ArrivalDate.IsZero() || f.MessageID != "<afrf-0001@receiver.example>" {
		t.Errorf("arrival %v id %q", f.ArrivalDate, f.MessageID)
	}
	if len(f.OriginalHeaders) != 5 || f.OriginalHeaders[2].Name != "Subject" || f.OriginalHeaders[2].Value != "Your invoice" {
		t.Errorf("original headers %+v", f.OriginalHeaders)
	}
}

// TestContainers reads the same report through every container real
// reporters use; each must give the same three records.
func TestContainers(t *testing.T) {
	xml := testdata(t, "example.com-rfc7489.xml")
	z := gz(t, xml)
	cases := map[string][]byte{
		"xml":                  xml,
		"bom":                  append([]byte("\xef\xbb\xbf"), xml...),
		"gzip":                 z,
		"gzip with junk after": append(append([]byte{}, z...), []byte("\x00\x00junk from the reporter\r\n")...),
		"zip":                  zipOf(t, "receiver.example!example.com!1796083200!1796169599.xml")(xml),
		"zip with a folder":    zipOf(t, "report/", "report/r.xml")(xml),
		"email gzip":           mailWith("application/gzip", z),
		"email zip":            mailWith("application/zip", zipOf(t, "r.xml")(xml)),
		"email xml":            mailWith("text/xml", xml),
		"single-part email":    []byte("From: r@receiver.example\r\nSubject: Report\r\nContent-Type: application/gzip\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(z) + "\r\n"),
		"nested message/rfc822": []byte("From: fwd@example.com\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: message/rfc822\r\n\r\n" +
			string(mailWith("application/x-gzip", z)) + "\r\n--x--\r\n"),
		"quoted-printable xml": []byte("From: r@receiver.example\r\nSubject: Report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/xml\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
			strings.ReplaceAll(string(xml), "=", "=3D") + "\r\n--q--\r\n"),
		"mbox From_ line": append([]byte("From MAILER-DAEMON Tue Dec  1 00:00:00 2026\n"), mailWith("application/gzip", z)...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			recs, res := parseAll(t, data, Options{})
			if len(res.Problems) != 0 {
				t.Fatalf("problems: %v", res.Problems)
			}
			as := aggregates(t, recs)
			if len(as) != 3 || as[1].Count != 3 || as[0].ReportID != "rfc7489-0001" {
				t.Fatalf("%d records: %+v", len(as), as)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	for in, want := range map[string]Content{
		"\x1f\x8b\x08":           ContentGzip,
		"PK\x03\x04":             ContentZip,
		"\xef\xbb\xbf <?xml?>":   ContentXML,
		"\n {\"a\":1}":           ContentJSON,
		"Received: from x\r\n":   ContentEmail,
		"From MAILER-DAEMON x\n": ContentEmail,
		"hello world\n":          ContentOther,
		"":                       ContentOther,
	} {
		if got := Detect([]byte(in)); got != want {
			t.Errorf("Detect(%q) = %s, want %s", in, got, want)
		}
	}
}

func problem(t *testing.T, data []byte, opt Options, kind error, want string) Result {
	t.Helper()
	_, res := parseAll(t, data, opt)
	if len(res.Problems) == 0 {
		t.Fatalf("no problem, want %v %q", kind, want)
	}
	err := res.Problems[0]
	if !errors.Is(err, kind) || !strings.Contains(err.Error(), want) {
		t.Fatalf("problem %v, want kind %v containing %q", err, kind, want)
	}
	return res
}

func TestBadInputs(t *testing.T) {
	xml := testdata(t, "example.com-rfc7489.xml")
	laughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>`
	problem(t, []byte(laughs), Options{}, ErrCorrupt, "DTD")
	// An entity without a DTD is not expanded either.
	problem(t, []byte(`<feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>`), Options{}, ErrCorrupt, "invalid XML")
	problem(t, xml[:len(xml)/2], Options{}, ErrCorrupt, "")
	problem(t, []byte("hello, this is no report\n"), Options{}, ErrNotReport, "")
	problem(t, []byte(`<html><body>hi</body></html>`), Options{}, ErrNotReport, "<html>")
	problem(t, []byte(`{"hello": "world"}`), Options{}, ErrNotReport, "")
	problem(t, []byte(`{"organization-name": "x", "policies": [`), Options{}, ErrCorrupt, "truncated")
	problem(t, []byte("From: a@example.com\r\nSubject: hi\r\n\r\nJust mail.\r\n"), Options{}, ErrNotReport, "no report")
	problem(t, []byte("\x1f\x8bnot really gzip"), Options{}, ErrCorrupt, "gzip")

	// A zip bomb: 8 MiB of zeros in a gzip stream of a few KiB, with a
	// limit of 1 MiB; and the same in a zip.
	bomb := gz(t, make([]byte, 8<<20))
	problem(t, bomb, Options{MaxSize: 1 << 20}, ErrTooLarge, "limit")
	problem(t, zipOf(t, "a.xml")(make([]byte, 8<<20)), Options{MaxSize: 1 << 20}, ErrTooLarge, "limit")
	// A gzip inside a gzip counts against the same budget.
	problem(t, gz(t, gz(t, make([]byte, 3<<20))), Options{MaxSize: 2 << 20}, ErrTooLarge, "limit")

	// A zip of a good report and a bad one: the good one is still read.
	recs, res := parseAll(t, zipOf(t, "a.xml", "b.xml")(xml, xml[:100]), Options{})
	if len(recs) != 3 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Error(), "b.xml") {
		t.Errorf("zip of good and bad: %d records, problems %v", len(recs), res.Problems)
	}
}

func TestSloppy(t *testing.T) {
	xml := string(testdata(t, "example.com-rfc7489.xml"))
	bad := strings.Replace(xml, "receiver.example</org_name>", "receiver\xff.example</org_name>", 1)
	recs, res := parseAll(t, []byte(bad), Options{})
	if len(recs) != 3 || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "UTF-8") {
		t.Fatalf("invalid UTF-8: %d records, warnings %v, problems %v", len(recs), res.Warnings, res.Problems)
	}
	latin := strings.Replace(strings.Replace(xml, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1), "receiver.example</org_name>", "r\xe9ceiver.example</org_name>", 1)
	recs, res = parseAll(t, []byte(latin), Options{})
	if len(recs) != 3 || recs[0].(*Aggregate).OrgName != "réceiver.example" {
		t.Fatalf("ISO-8859-1: %d records, problems %v", len(recs), res.Problems)
	}
	noMeta := strings.Replace(xml, "<count>120</count>", "", 1)
	recs, res = parseAll(t, []byte(noMeta), Options{})
	if len(recs) != 3 || recs[0].(*Aggregate).Count != 0 || len(res.Warnings) != 1 {
		t.Fatalf("missing count: warnings %v", res.Warnings)
	}
	weird := strings.Replace(xml, "<source_ip>192.0.2.10</source_ip>", "<source_ip>not-an-ip</source_ip>", 1)
	recs, res = parseAll(t, []byte(weird), Options{})
	if recs[0].(*Aggregate).SourceIP != "not-an-ip" || len(res.Warnings) != 1 {
		t.Fatalf("bad IP: %+v %v", recs[0], res.Warnings)
	}
}

func TestEmitErrorStops(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	_, err := Parse(context.Background(), testdata(t, "example.com-rfc7489.xml"), Options{}, func(Record) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("err %v after %d records", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, testdata(t, "example.com-rfc7489.xml"), Options{}, func(Record) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// BenchmarkParseGzip reads a gzipped aggregate report of 3 records.
func BenchmarkParseGzip(b *testing.B) {
	data := gz(b, testdata(b, "example.com-rfc7489.xml"))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(context.Background(), data, Options{}, func(Record) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
