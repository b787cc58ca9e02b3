package bounce

import (
	"reflect"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/internal/mimex"
)

func TestHTMLToText(t *testing.T) {
	in := "<html><head><title>t</title><style>p{}</style></head><body><p>No&nbsp;such &lt;user&gt; &amp; " +
		"&quot;x&quot; &#39;y&#39; &bogus;</p><div>next</div><script>var a = 1;</script><br/>end<unclosed"
	got := string(htmlToText([]byte(in)))
	want := "   No such <user> & \"x\" 'y' &bogus;\n next\n\nend"
	if got != want {
		t.Errorf("htmlToText = %q, want %q", got, want)
	}
}

// A Content-Type that mime.ParseMediaType refuses is still read: the
// boundary of a real bounce is often written with characters that need
// quoting, or twice.
func TestMediaTypeLenient(t *testing.T) {
	for _, c := range []struct {
		in     string
		ctype  string
		params map[string]string
	}{
		{`multipart/report; report-type=delivery-status; boundary="b1"`, "multipart/report",
			map[string]string{"report-type": "delivery-status", "boundary": "b1"}},
		{`multipart/mixed; boundary=a/b=c`, "multipart/mixed", map[string]string{"boundary": "a/b=c"}},
		{`Multipart/Mixed; boundary="x"; boundary="y"`, "multipart/mixed", map[string]string{"boundary": "x"}},
		{`text/plain; charset="utf-8`, "text/plain", map[string]string{"charset": "utf-8"}},
		{`text/plain; ; =x; junk`, "text/plain", map[string]string{}},
		{"", "", nil},
	} {
		ct, p := mimex.MediaType(c.in)
		if ct != c.ctype || !reflect.DeepEqual(p, c.params) {
			t.Errorf("mimex.MediaType(%q) = %q %v, want %q %v", c.in, ct, p, c.ctype, c.params)
		}
	}
}

// RFC 6533 §3: a utf-8-address may spell a character as \x{HEX}.
func TestDecodeUnitext(t *testing.T) {
	for in, want := range map[string]string{
		`jos\x{E9}@example.com`:       "josé@example.com",
		`\x{3042}\x{3044}@example.jp`: "あい@example.jp",
		`plain@example.com`:           "plain@example.com",
		`bad\x{ZZ}@example.com`:       `bad\x{ZZ}@example.com`,
		`open\x{41@example.com`:       `open\x{41@example.com`,
		`huge\x{110000}@example.com`:  `huge\x{110000}@example.com`,
	} {
		if got := decodeUnitext(in); got != want {
			t.Errorf("decodeUnitext(%q) = %q, want %q", in, got, want)
		}
	}
}

// Encoded words in any charset x/text knows are decoded; one it does
// not know is left as written.
func TestDecodeWordsCharsets(t *testing.T) {
	for in, want := range map[string]string{
		"=?ISO-8859-1?Q?Zustellung_fehlgeschlagen:_M=FCller?=": "Zustellung fehlgeschlagen: Müller",
		"=?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg==?=":           "こんにちは",
		"=?windows-1252?Q?=93quoted=94?=":                      "\u201cquoted\u201d",
		"=?x-unknown?Q?abc?=":                                  "=?x-unknown?Q?abc?=",
		"no words":                                             "no words",
	} {
		if got := mimex.DecodeWords(in); got != want {
			t.Errorf("DecodeWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeAction(t *testing.T) {
	for in, want := range map[string]string{
		"failed": "failed", "Failed (permanent)": "failed", "failure": "failed", "error": "failed",
		"expired": "delayed", "DELIVERED;": "delivered", "relayed": "relayed", "expanded": "expanded",
		"something": "something", "": "",
	} {
		if got := normalizeAction(in); got != want {
			t.Errorf("normalizeAction(%q) = %q, want %q", in, got, want)
		}
	}
}

// A multi-line reply keeps one code at its front, not one per line.
func TestCleanDiagnostic(t *testing.T) {
	diag, status, reply := cleanDiagnostic(
		"550-5.7.1 [192.0.2.1] The IP you're using to send mail is not authorized 550-5.7.1 to send email directly "+
			"to our servers. 550 5.7.1 Please use the SMTP relay", "5.0.0", "")
	if status != "5.7.1" || reply != "550" {
		t.Errorf("codes %q %q, want 5.7.1 550", status, reply)
	}
	if strings.Contains(diag, "550-") || !strings.Contains(diag, "not authorized to send email directly to our servers") {
		t.Errorf("diagnostic %q", diag)
	}
	if d, s, r := cleanDiagnostic("", "5.1.1", "550"); d != "" || s != "5.1.1" || r != "550" {
		t.Errorf("empty diagnostic changed: %q %q %q", d, s, r)
	}
	if d, _, _ := cleanDiagnostic("554 refused <html><body>big page</body></html> end", "", ""); strings.Contains(d, "html") {
		t.Errorf("HTML kept: %q", d)
	}
}
