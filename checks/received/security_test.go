package received

import (
	"encoding/json"
	"strings"
	"testing"
)

// The IANA mail-transmission-types registry (RFC 3848, RFC 6531) and the
// unregistered names MTAs write.
func TestClassify(t *testing.T) {
	for _, c := range []struct {
		proto     string
		tls, auth State
	}{
		{"SMTP", No, No}, {"ESMTP", No, No}, {"ESMTPA", No, Yes}, {"ESMTPS", Yes, No}, {"ESMTPSA", Yes, Yes},
		{"LMTP", No, No}, {"LMTPA", No, Yes}, {"LMTPS", Yes, No}, {"LMTPSA", Yes, Yes},
		{"UTF8SMTP", No, No}, {"UTF8SMTPA", No, Yes}, {"UTF8SMTPS", Yes, No}, {"UTF8SMTPSA", Yes, Yes},
		{"UTF8LMTP", No, No}, {"UTF8LMTPA", No, Yes}, {"UTF8LMTPS", Yes, No}, {"UTF8LMTPSA", Yes, Yes},
		{"esmtpsa", Yes, Yes}, {"SMTPS", Yes, No}, {"ssmtp", Yes, No}, {"HTTP", No, Unknown}, {"HTTPS", Yes, Unknown},
		{"Microsoft SMTP Server", No, Unknown}, {"local", Unknown, Unknown}, {"local-esmtp", Unknown, Unknown},
		{"mapi", Unknown, Unknown}, {"", Unknown, Unknown}, {"ESMTPX", Unknown, Unknown},
	} {
		tls, auth := classify(c.proto)
		if tls != c.tls || auth != c.auth {
			t.Errorf("%q: tls %v auth %v, want %v %v", c.proto, tls, auth, c.tls, c.auth)
		}
	}
}

func TestHeaderJSON(t *testing.T) {
	h, err := Parse(mtaCases[0].value)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	from := m["from"].(map[string]any)
	if m["tls"] != "yes" || m["authenticated"] != "no" || from["ip"] != "192.0.2.10" || m["date"] != "2026-12-02T13:10:11Z" || m["with"] != "ESMTPS" {
		t.Errorf("JSON %s", b)
	}
	h, _ = Parse("by a.example.com; 2 Dec 2026 14:00 +0000")
	b, _ = json.Marshal(h)
	if strings.Contains(string(b), `"ip"`) || !strings.Contains(string(b), `"tls":"unknown"`) {
		t.Errorf("JSON without an address: %s", b)
	}
}
