package send

import (
	"errors"
	"strings"
	"testing"
)

// Bad input is an error of ErrBadInput or ErrInjection, never a panic;
// a parsed address list has addresses that parse again alone.
func FuzzParseAddressList(f *testing.F) {
	for _, s := range []string{"bob@example.org", "Bob <bob@example.org>", `"Smith, Bob" <b@x.org>, c@x.org`, "<>", "a@b@c",
		"Bob <bob@example.org", "=?utf-8?q?J=C3=B6rg?= <j@x.org>", "jörg@bücher.example", "a@[192.0.2.1]", "(c) a@x.org", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseAddressList("--to", s)
		if err != nil {
			if !errors.Is(err, ErrBadInput) && !errors.Is(err, ErrInjection) {
				t.Fatalf("%q: error of no kind: %v", s, err)
			}
			if strings.Contains(err.Error(), "angle-addr") || strings.Contains(err.Error(), "addr-spec") {
				t.Fatalf("%q: net/mail's words: %v", s, err)
			}
			return
		}
		for _, a := range l {
			if strings.ContainsAny(a.Addr, "\r\n\x00<>") || !strings.Contains(a.Addr, "@") {
				t.Fatalf("%q gave address %q", s, a.Addr)
			}
			if a.header() == "" {
				t.Fatalf("%q: empty header form", s)
			}
		}
		ParseSender("--from", s)
	})
}

// A header either parses to a name of printable ASCII without a colon
// and a value without a line break, or is bad input.
func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{"X-Test: a", "X-Test:", ": v", "X Test: v", "Bcc: x@y", "X-T: a\r\nBcc: b", "Subject: =?utf-8?q?x?="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHeader(s)
		if err != nil {
			if !errors.Is(err, ErrBadInput) && !errors.Is(err, ErrInjection) {
				t.Fatalf("%q: error of no kind: %v", s, err)
			}
			return
		}
		if h.Name == "" || strings.ContainsAny(h.Name, ": \t\r\n") || strings.ContainsAny(h.Value, "\r\n\x00") {
			t.Fatalf("%q parsed to %+v", s, h)
		}
		for i := 0; i < len(h.Name); i++ {
			if h.Name[i] < 33 || h.Name[i] > 126 {
				t.Fatalf("%q: name byte %q", s, h.Name[i])
			}
		}
	})
}

// A template parses or is bad input; filled from any row it gives text
// or bad input, never a panic or "<no value>".
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"Hello {{.name}}", "{{.name", "{{if .x}}y{{end}}", "{{range .}}{{.}}{{end}}", "{{template \"x\"}}", "plain", "{{.missing}}"} {
		f.Add(s, "Ann")
	}
	f.Fuzz(func(t *testing.T, src, name string) {
		tp, err := ParseTemplate("--subject", src)
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("%q: error of no kind: %v", src, err)
			}
			return
		}
		out, err := tp.Execute(Row{N: 1, Fields: map[string]string{"name": name}})
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("%q: error of no kind: %v", src, err)
			}
			return
		}
		if strings.Contains(out, "<no value>") && !strings.Contains(src, "<no value>") && !strings.Contains(name, "<no value>") {
			t.Fatalf("%q gave %q", src, out)
		}
	})
}

// Any results file reads to records of positive rows that need no other
// try, or to bad input.
func FuzzDoneRows(f *testing.F) {
	f.Add(`{"row":1,"to":["a@x.org"],"result":"sent"}` + "\n" + `{"row":2,"to":["b@x.o{"row":3,"to":["c@x.org"],"result":"in_flight"}`)
	f.Add("{\"row\":1}\nto,name\n")
	f.Add(`{"row":-1,"result":"sent"}`)
	f.Add(`{"row":5,"result":"in_flight"}` + "\n" + `{"row":5,"result":"failed"}`)
	f.Fuzz(func(t *testing.T, s string) {
		done, err := DoneRows(strings.NewReader(s))
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		for row, rec := range done {
			if row <= 0 || rec.Row != row || !rec.Done() {
				t.Fatalf("row %d: %+v", row, rec)
			}
		}
	})
}
