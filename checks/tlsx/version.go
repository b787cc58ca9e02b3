package tlsx

import (
	"crypto/tls"
	"strings"
)

// VersionName names a negotiated TLS version as every relayctl report
// spells it: "TLS1.3", "TLS1.2", "TLS1.1", "TLS1.0" (crypto/tls's own
// names without the space), "SSLv3", or "0x0305" for one Go does not
// know.
func VersionName(v uint16) string {
	return strings.ReplaceAll(tls.VersionName(v), " ", "")
}
