package mx

import (
	"net/netip"
	"strconv"
	"strings"
)

// genericWords are labels (or parts of labels) that access providers put in
// the reverse names of pools of customer addresses.
var genericWords = map[string]bool{
	"dynamic": true, "dyn": true, "dhcp": true, "pool": true, "dsl": true,
	"adsl": true, "vdsl": true, "xdsl": true, "cable": true, "broadband": true,
	"ppp": true, "pppoe": true, "dialup": true, "dial": true, "dip": true,
	"residential": true, "cust": true, "customer": true, "client": true,
	"clients": true, "unassigned": true, "nat": true,
}

// genericPTR says why a reverse name looks like a provider's generic name
// for addr rather than a mail host's own name ("" when it does not): it
// spells out the address, or holds a word such as "dynamic" or "dsl".
// This is a heuristic; the ptr check reports it as info only.
func genericPTR(name string, addr netip.Addr) string {
	name = strings.ToLower(name)
	if addr.Unmap().Is4() && spellsIPv4(name, addr.Unmap()) {
		return "it spells out the address"
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z')
	}) {
		if genericWords[w] {
			return "it contains \"" + w + "\""
		}
	}
	return ""
}

// spellsIPv4 reports whether the runs of digits in name contain the four
// octets of addr in order or in reverse order ("ec2-192-0-2-1…",
// "1.2.0.192.example.net").
func spellsIPv4(name string, addr netip.Addr) bool {
	o := addr.As4()
	var runs []int
	for _, f := range strings.FieldsFunc(name, func(r rune) bool { return r < '0' || r > '9' }) {
		n, err := strconv.Atoi(f)
		if err != nil || len(f) > 3 {
			n = -1
		}
		runs = append(runs, n)
	}
	for i := 0; i+4 <= len(runs); i++ {
		fwd, rev := true, true
		for j := 0; j < 4; j++ {
			fwd = fwd && runs[i+j] == int(o[j])
			rev = rev && runs[i+j] == int(o[3-j])
		}
		if fwd || rev {
			return true
		}
	}
	return false
}
