package received

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseSPF(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     SPF
	}{
		{
			name: "RFC 7208 §9.1 example form",
			in: "pass (mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender)\r\n" +
				"\treceiver=mybox.example.org; client-ip=192.0.2.1;\r\n\tenvelope-from=\"myname@example.com\"; helo=foo.example.com;",
			want: SPF{Result: "pass", Comment: "mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender",
				Receiver: "mybox.example.org", ClientIP: ip("192.0.2.1"), EnvelopeFrom: "myname@example.com", HELO: "foo.example.com"},
		},
		{
			name: "pypolicyd-spf, space separated with <UNKNOWN>",
			in:   "Pass (mailfrom) identity=mailfrom; client-ip=2001:db8::5; helo=mail.example.net; envelope-from=bounce@example.net; receiver=<UNKNOWN> ",
			want: SPF{Result: "pass", Comment: "mailfrom", Identity: "mailfrom", ClientIP: ip("2001:db8::5"), HELO: "mail.example.net",
				EnvelopeFrom: "bounce@example.net", Receiver: "<UNKNOWN>"},
		},
		{
			name: "pairs without ';' and a problem",
			in:   "PermError (mx.example.com: syntax error) client-ip=198.51.100.3 envelope-from=<> problem=\"bad mechanism\" x-custom = 1",
			want: SPF{Result: "permerror", Comment: "mx.example.com: syntax error", ClientIP: ip("198.51.100.3"), EnvelopeFrom: "<>", Problem: "bad mechanism"},
		},
		{
			name: "result only",
			in:   "None (protection.example.com: example.net does not designate permitted sender hosts)",
			want: SPF{Result: "none", Comment: "protection.example.com: example.net does not designate permitted sender hosts"},
		},
		{
			name: "SRS envelope-from keeps its '='",
			in:   "softfail client-ip=192.0.2.8; envelope-from=<SRS0=AbCd=XY=example.org=user@fwd.example.net>",
			want: SPF{Result: "softfail", ClientIP: ip("192.0.2.8"), EnvelopeFrom: "SRS0=AbCd=XY=example.org=user@fwd.example.net"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseSPF(c.in)
			if c.name == "pairs without ';' and a problem" {
				// "x-custom = 1" is not a key=value word: reported, the rest read
				if !errors.Is(err, ErrSyntax) {
					t.Fatalf("err = %v, want ErrSyntax", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got.Raw != c.in {
				t.Errorf("Raw not kept")
			}
			g := *got
			g.Raw, g.Params = "", nil
			if !reflect.DeepEqual(g, c.want) {
				t.Errorf("got  %+v\nwant %+v", g, c.want)
			}
		})
	}
}

func TestParseSPFParamsInOrder(t *testing.T) {
	got, err := ParseSPF("fail client-ip=192.0.2.1; mechanism=-all; helo=a.example.net")
	if err != nil {
		t.Fatal(err)
	}
	want := []Param{{"client-ip", "192.0.2.1"}, {"mechanism", "-all"}, {"helo", "a.example.net"}}
	if len(got.Params) != len(want) {
		t.Fatalf("Params = %v", got.Params)
	}
	for i := range want {
		if got.Params[i] != want[i] {
			t.Errorf("Params[%d] = %v, want %v", i, got.Params[i], want[i])
		}
	}
}

func TestParseSPFErrors(t *testing.T) {
	for _, c := range []struct {
		in  string
		col int
	}{
		{"", 1},
		{"(just a comment)", 1},
		{"passed client-ip=192.0.2.1", 1},
		{"pass client-ip=192.0.2.999", 6},
		{"pass (unclosed", 6},
		{"pass client-ip=192.0.2.1; stray", 27},
	} {
		got, err := ParseSPF(c.in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Col != c.col {
			t.Errorf("%q: err %v, want col %d", c.in, err, c.col)
		}
		if got == nil || got.Raw != c.in {
			t.Errorf("%q: Raw not kept", c.in)
		}
	}
}
