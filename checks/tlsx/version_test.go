package tlsx

import (
	"crypto/tls"
	"testing"
)

func TestVersionName(t *testing.T) {
	for v, want := range map[uint16]string{
		tls.VersionTLS13: "TLS1.3",
		tls.VersionTLS12: "TLS1.2",
		tls.VersionTLS11: "TLS1.1",
		tls.VersionTLS10: "TLS1.0",
		0x0305:           "0x0305",
	} {
		if got := VersionName(v); got != want {
			t.Errorf("VersionName(%#x) = %q, want %q", v, got, want)
		}
	}
}
