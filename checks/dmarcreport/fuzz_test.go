package dmarcreport

import (
	"context"
	"testing"
)

// fuzzParse runs Parse on data and checks what holds for any input: no
// panic, a Result that counts what was emitted, and problems of the
// documented kinds.
func fuzzParse(t *testing.T, data []byte) {
	n := 0
	res, err := Parse(context.Background(), data, Options{MaxSize: 1 << 20}, func(r Record) error {
		if r.Kind() == "" {
			t.Fatal("record without a type")
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatalf("Parse returned %v without a cancelled ctx or a failing emit", err)
	}
	if res.Records != n {
		t.Fatalf("Records %d, emitted %d", res.Records, n)
	}
	for _, p := range res.Problems {
		if p == nil || p.Error() == "" {
			t.Fatal("empty problem")
		}
	}
}

func FuzzAggregate(f *testing.F) {
	f.Add(testdata(f, "example.com-rfc7489.xml"))
	f.Add(testdata(f, "example.com-dmarcbis.xml"))
	f.Add([]byte(`<feedback><record><row><count>1.5</count></row></record></feedback>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><feedback>&a;</feedback>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p parser
		res := Result{}
		p = parser{ctx: context.Background(), emitF: func(Record) error { return nil }, budget: 1 << 20, res: &res}
		if err := parseAggregate(data, &p); err != nil && err != errStop {
			t.Fatal(err)
		}
	})
}

func FuzzTLSRPT(f *testing.F) {
	f.Add(testdata(f, "example.com-tlsrpt.json"))
	f.Add([]byte(`{"organization-name":1}`))
	f.Add([]byte(`{"policies":[{"summary":{"total-failure-session-count":"1e3"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res := Result{}
		p := parser{ctx: context.Background(), emitF: func(Record) error { return nil }, budget: 1 << 20, res: &res}
		if err := parseTLSRPT(data, &p); err != nil && err != errStop {
			t.Fatal(err)
		}
	})
}

func FuzzFailure(f *testing.F) {
	f.Add(testdata(f, "example.com-afrf.eml"))
	f.Add([]byte("Content-Type: multipart/report; report-type=feedback-report; boundary=b\r\n\r\n--b\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: auth-failure\r\n--b--\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res := Result{}
		p := parser{ctx: context.Background(), emitF: func(Record) error { return nil }, budget: 1 << 20, res: &res}
		if err := p.email(data, 0); err != nil && err != errStop {
			t.Fatal(err)
		}
	})
}

func FuzzContainer(f *testing.F) {
	xml := testdata(f, "example.com-rfc7489.xml")
	f.Add(gz(f, xml))
	f.Add(zipOf(f, "d/", "d/r.xml")(xml))
	f.Add(mailWith("application/gzip", gz(f, xml)))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(fuzzParse)
}
