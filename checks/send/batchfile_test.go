package send

import (
	"errors"
	"strings"
	"testing"
)

func TestReadBatchCSV(t *testing.T) {
	in := "\xEF\xBB\xBFto, name ,plan\nbob@example.org,Bob,\"Gold, yearly\"\n\"carl@example.org, dora@example.org\",Carl,Free\n"
	rows, err := ReadBatch(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].N != 1 || rows[0].Get("name") != "Bob" || rows[0].Get("plan") != "Gold, yearly" || rows[1].Get("TO") != "carl@example.org, dora@example.org" {
		t.Errorf("%+v", rows)
	}
}

func TestReadBatchNDJSON(t *testing.T) {
	in := `{"to": "bob@example.org", "name": "Bob", "n": 3, "vip": true}

{"to": ["carl@example.org", "dora@example.org"], "name": "Carl", "meta": {"a": 1}}
`
	rows, err := ReadBatch(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Get("n") != "3" || rows[0].Get("vip") != "true" || rows[1].Get("to") != "carl@example.org, dora@example.org" || rows[1].Get("meta") != `{"a":1}` {
		t.Errorf("%+v", rows)
	}
}

func TestReadBatchErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":           "",
		"header only":     "to,name\n",
		"no to":           "name\nBob\n",
		"blank to":        "to,name\n,Bob\n",
		"duplicate col":   "to,To\na@b.c,d@e.f\n",
		"ragged":          "to,name\na@b.c\n",
		"bad json":        "{\"to\": \"a@b.c\"}\n{nope}\n",
		"json not object": "{\"to\": \"a@b.c\"}\n[1,2]\n",
	} {
		if _, err := ReadBatch(strings.NewReader(in)); !errors.Is(err, ErrBadInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzReadBatch(f *testing.F) {
	f.Add("to,name\na@b.c,X\n")
	f.Add(`{"to":"a@b.c"}`)
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ReadBatch(strings.NewReader(in))
		if err != nil {
			return
		}
		for i, r := range rows {
			if r.N != i+1 || strings.TrimSpace(r.Get("to")) == "" {
				t.Fatalf("row %+v", r)
			}
		}
	})
}

func TestTemplate(t *testing.T) {
	row := Row{N: 4, Fields: map[string]string{"name": "Bob"}}
	tp, err := ParseTemplate("--subject", "Hello {{.name}}!")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := tp.Execute(row); err != nil || s != "Hello Bob!" {
		t.Errorf("%q %v", s, err)
	}
	tp, _ = ParseTemplate("--subject", "Hello {{.missing}}")
	if _, err := tp.Execute(row); !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "row 4") {
		t.Errorf("missing field: %v", err)
	}
	if _, err := ParseTemplate("--body", "{{.name"); !errors.Is(err, ErrBadInput) {
		t.Errorf("parse error: %v", err)
	}
}

func TestDoneRows(t *testing.T) {
	in := `{"row":1,"to":["a@x.org"],"result":"sent"}
{"row":2,"to":["b@x.org"],"result":"failed"}
{"row":3,"to":["c@x.org"],"result":"rejected"}
{"row":4,"to":["d@x.org"],"result":"unknown"}
{"row":6,"to":["f@x.org"],"result":"in_flight"}
{"row":7,"to":["g@x.org"],"result":"in_flight"}
{"row":7,"to":["g@x.org"],"result":"failed"}
{"row":8,"to":["h@x.org"],"result":"in_flight"}
{"row":8,"to":["h@x.org"],"result":"sent"}
{"row":9,"to":["i@x.org"],"result":"partial"}
{"row":9,"to":["i@x.org"],"result":"failed"}
{"row":5,"to":["e@x.org"],"res`
	done, err := DoneRows(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]Result{1: ResultSent, 3: ResultRejected, 4: ResultUnknown, 6: ResultInFlight, 8: ResultSent, 9: ResultPartial}
	if len(done) != len(want) {
		t.Errorf("%v", done)
	}
	for row, res := range want {
		if done[row].Result != res {
			t.Errorf("row %d: %q, want %q", row, done[row].Result, res)
		}
	}
	// A cut line with the next run's first record glued to it.
	glued := `{"row":1,"to":["a@x.org"],"result":"sent"}
{"row":2,"to":["b@x.o{"row":3,"to":["c@x.org"],"result":"sent"}
{"row":4,"to":["d@x.org"],"result":"sent"}
`
	done, err = DoneRows(strings.NewReader(glued))
	if _, two := done[2]; err != nil || len(done) != 3 || done[3].Result != ResultSent || two {
		t.Errorf("glued: %v %v", done, err)
	}
	// A line over the bound names its number, and is not read whole.
	long := "{\"row\":1,\"to\":[\"a@x.org\"],\"result\":\"sent\"}\n{\"x\":\"" + strings.Repeat("y", MaxLineBytes+10) + "\"}\n"
	if _, err := DoneRows(strings.NewReader(long)); !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "line 2 is longer than 1 MiB") {
		t.Errorf("long line: %v", err)
	}
	// A line that is no record at all: the wrong file.
	if _, err := DoneRows(strings.NewReader("{\"row\":1}\nto,name\n")); !errors.Is(err, ErrBadInput) {
		t.Errorf("not records: %v", err)
	}
	if !SameRecipients([]string{"A@x.org", "b@x.org"}, []string{"b@x.org", "a@x.org"}) || SameRecipients([]string{"a@x.org"}, []string{"b@x.org"}) {
		t.Error("SameRecipients")
	}
}
