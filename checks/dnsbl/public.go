package dnsbl

import (
	"net"
	"net/netip"
)

// publicResolvers are well-known open recursive resolvers. Spamhaus
// answers them with 127.255.255.254, and URIBL, SURBL and others refuse
// them or answer NXDOMAIN, so "not listed" through them means little.
var publicResolvers = map[string]string{
	"8.8.8.8": "Google Public DNS", "8.8.4.4": "Google Public DNS",
	"2001:4860:4860::8888": "Google Public DNS", "2001:4860:4860::8844": "Google Public DNS",
	"1.1.1.1": "Cloudflare", "1.0.0.1": "Cloudflare", "1.1.1.2": "Cloudflare", "1.0.0.2": "Cloudflare",
	"1.1.1.3": "Cloudflare", "1.0.0.3": "Cloudflare",
	"2606:4700:4700::1111": "Cloudflare", "2606:4700:4700::1001": "Cloudflare",
	"9.9.9.9": "Quad9", "149.112.112.112": "Quad9", "9.9.9.10": "Quad9", "9.9.9.11": "Quad9",
	"2620:fe::fe": "Quad9", "2620:fe::9": "Quad9",
	"208.67.222.222": "OpenDNS", "208.67.220.220": "OpenDNS",
	"2620:119:35::35": "OpenDNS", "2620:119:53::53": "OpenDNS",
	"94.140.14.14": "AdGuard DNS", "94.140.15.15": "AdGuard DNS",
	"76.76.2.0": "Control D", "76.76.10.0": "Control D",
	"64.6.64.6": "Verisign Public DNS", "64.6.65.6": "Verisign Public DNS",
	"185.228.168.9": "CleanBrowsing", "185.228.169.9": "CleanBrowsing",
	"8.26.56.26": "Comodo Secure DNS", "8.20.247.20": "Comodo Secure DNS",
	"4.2.2.1": "Level3", "4.2.2.2": "Level3", "4.2.2.3": "Level3", "4.2.2.4": "Level3",
	"77.88.8.8": "Yandex DNS", "77.88.8.1": "Yandex DNS",
	"223.5.5.5": "AliDNS", "223.6.6.6": "AliDNS", "114.114.114.114": "114DNS",
	"119.29.29.29": "DNSPod", "180.76.76.76": "Baidu DNS",
}

// PublicResolver reports whether the server (HOST or HOST:PORT) is a
// well-known public resolver, and whose.
func PublicResolver(server string) (string, bool) {
	host := server
	if h, _, err := net.SplitHostPort(server); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return "", false
	}
	name, ok := publicResolvers[a.Unmap().String()]
	return name, ok
}
