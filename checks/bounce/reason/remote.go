package reason

import "strings"

// A provider whose error messages have a known meaning: the host names
// that identify it and its rules.
type provider struct {
	name  string
	hosts []string
	rules func(in Input, diag string) Reason
}

// providers are the providers whose rules remoteHost knows, in the order
// whichProvider tries them: the first whose host names fit wins. The
// order is the one they had when each file registered its own from
// init() (providers.go in source order), kept so that results do not
// change.
var providers = []provider{
	{"godaddy", []string{"smtp.secureserver.net", "mailstore1.secureserver.net"}, godaddy},
	{"franceptt", []string{".laposte.net", ".orange.fr", ".wanadoo.fr"}, francePTT},
	{"cox", []string{"cox.net"}, cox},
	{"aol", []string{".mail.aol.com", ".mx.aol.com"}, aol},
	{"gsuite", []string{"googlemail.com"}, gsuite},
	{"messagelabs", []string{".messagelabs.com"}, messageLabs},
	{"tencent", []string{".qq.com"}, tencent},
	{"spectrum", []string{"charter.net"}, spectrum},
	{"mimecast", []string{".mimecast.com"}, mimecast},
	{"yahooinc", []string{".yahoodns.net"}, yahooInc},
	{"microsoft", []string{".prod.outlook.com", ".protection.outlook.com", ".onmicrosoft.com", ".exchangelabs.com"}, microsoft},
	{"kddi", []string{".ezweb.ne.jp", "msmx.au.com"}, kddi},
}

// domainOf returns the lower-case domain of an address.
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}

// whichProvider picks the provider by the recipient's domain, else the
// remote host, else the reporting host.
func whichProvider(in Input) *provider {
	dom := domainOf(in.Recipient)
	if dom != "" {
		for i := range providers {
			for _, h := range providers[i].hosts {
				if strings.HasSuffix(h, dom) {
					return &providers[i]
				}
			}
		}
	}
	for _, host := range []string{strings.ToLower(in.RemoteMTA), strings.ToLower(in.ReportingMTA)} {
		if host == "" {
			continue
		}
		for i := range providers {
			for _, h := range providers[i].hosts {
				if strings.HasSuffix(host, h) {
					return &providers[i]
				}
			}
		}
	}
	return nil
}

// remoteHost applies the rules of the provider that refused the message.
func remoteHost(in Input, diag string) Reason {
	p := whichProvider(in)
	if p == nil || p.rules == nil {
		return ""
	}
	return p.rules(in, diag)
}
