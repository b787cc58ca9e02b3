package reason

import "strings"

// A provider whose error messages have a known meaning: the host names
// that identify it and its rules.
type provider struct {
	name  string
	hosts []string
	rules func(in Input, diag string) string
}

// providers is filled by the per-provider files.
var providers []provider

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
func remoteHost(in Input, diag string) string {
	p := whichProvider(in)
	if p == nil || p.rules == nil {
		return ""
	}
	return p.rules(in, diag)
}
