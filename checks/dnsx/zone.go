package dnsx

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/miekg/dns"
)

// Zone is an RFC 1035 zone held in memory. It answers authoritatively for
// every name at or under its origin: records of the type asked, a CNAME to
// follow, wildcards (RFC 4592), no data for a name that exists (or is an
// empty non-terminal) without that type, NXDOMAIN for the rest.
type Zone struct {
	Origin string // fully qualified, lower case; "." holds every name
	File   string // where it was read from, for messages
	nodes  map[string]map[uint16][]dns.RR
	ents   map[string]bool // empty non-terminals: names with descendants but no records
}

// NewZone returns an empty zone for origin.
func NewZone(origin string) *Zone {
	return &Zone{Origin: Fqdn(origin), nodes: map[string]map[uint16][]dns.RR{}, ents: map[string]bool{}}
}

// Add puts one record into the zone. Records outside the origin are
// ignored, as an authoritative server would.
func (z *Zone) Add(rr dns.RR) {
	h := rr.Header()
	h.Name = Fqdn(h.Name)
	if !dns.IsSubDomain(z.Origin, h.Name) {
		return
	}
	n := z.nodes[h.Name]
	if n == nil {
		n = map[uint16][]dns.RR{}
		z.nodes[h.Name] = n
	}
	n[h.Rrtype] = append(n[h.Rrtype], rr)
	// Every ancestor up to the origin exists from now on (RFC 4592 §2.2.2).
	labels := dns.SplitDomainName(h.Name)
	for i := 1; i < len(labels); i++ {
		anc := dns.Fqdn(strings.Join(labels[i:], "."))
		if !dns.IsSubDomain(z.Origin, anc) {
			break
		}
		z.ents[anc] = true
	}
	z.ents[z.Origin] = true
}

// ParseZone reads a zone in RFC 1035 master-file format. origin is used for
// relative names when the text has no $ORIGIN; when the zone has an SOA
// record, the zone's apex is the SOA owner.
func ParseZone(r io.Reader, origin, file string) (*Zone, error) {
	text, err := io.ReadAll(r)
	if err != nil {
		return nil, &ZoneError{File: file, Err: err}
	}
	if origin == "" {
		origin = firstOrigin(text)
	}
	zp := dns.NewZoneParser(bytes.NewReader(text), Fqdn(origin), "") // ZoneError names the file once
	zp.SetIncludeAllowed(false)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return nil, &ZoneError{File: file, Err: err}
	}
	apex, haveSOA := "", false
	for _, rr := range rrs {
		if rr.Header().Rrtype == dns.TypeSOA {
			apex, haveSOA = Fqdn(rr.Header().Name), true
			break
		}
	}
	if !haveSOA {
		if origin == "" {
			return nil, &ZoneError{File: file, Msg: "no $ORIGIN and no SOA record: cannot tell which names it holds"}
		}
		apex = Fqdn(origin)
	}
	z := NewZone(apex)
	z.File = file
	for _, rr := range rrs {
		z.Add(rr)
	}
	return z, nil
}

// firstOrigin returns the name of the first $ORIGIN directive in a zone's
// text, or "".
func firstOrigin(text []byte) string {
	for _, line := range strings.Split(string(text), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.EqualFold(f[0], "$ORIGIN") {
			return f[1]
		}
	}
	return ""
}

// LoadZone reads a zone file. Its origin is the SOA owner, else the
// $ORIGIN, else the file name without a .zone/.db/.txt ending.
func LoadZone(path string) (*Zone, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &ZoneError{File: path, Err: err}
	}
	origin := firstOrigin(b)
	if origin == "" {
		base := filepath.Base(path)
		for _, ext := range []string{".zone", ".db", ".txt"} {
			base = strings.TrimSuffix(base, ext)
		}
		base = strings.TrimPrefix(base, "db.")
		if _, ok := dns.IsDomainName(base); ok && strings.Contains(base, ".") {
			origin = base
		}
	}
	return ParseZone(bytes.NewReader(b), origin, path)
}

// Holds reports whether name is at or under the zone's origin.
func (z *Zone) Holds(name string) bool {
	return dns.IsSubDomain(z.Origin, Fqdn(name))
}

// lookup answers one question for a name inside the zone. The records
// returned include CNAMEs met on the way; next is the name to continue
// with when the last CNAME points outside this zone.
func (z *Zone) lookup(name string, qtype uint16) (rcode int, rrs []dns.RR, next string) {
	name = Fqdn(name)
	for hops := 0; hops < maxCNAMEHops; hops++ {
		set, exists := z.node(name)
		if !exists {
			return dns.RcodeNameError, rrs, ""
		}
		if got := set[qtype]; len(got) > 0 {
			return dns.RcodeSuccess, append(rrs, got...), ""
		}
		cn := set[dns.TypeCNAME]
		if len(cn) == 0 || qtype == dns.TypeCNAME {
			return dns.RcodeSuccess, rrs, ""
		}
		rrs = append(rrs, cn[0])
		target := Fqdn(cn[0].(*dns.CNAME).Target)
		if !z.Holds(target) {
			return dns.RcodeSuccess, rrs, target
		}
		name = target
	}
	return dns.RcodeServerFailure, rrs, ""
}

// node returns the record sets at name, synthesised from a wildcard where
// RFC 4592 says so, and whether the name exists at all.
func (z *Zone) node(name string) (map[uint16][]dns.RR, bool) {
	if set, ok := z.nodes[name]; ok {
		return set, true
	}
	if z.ents[name] {
		return nil, true
	}
	// Find the closest encloser, then look for a wildcard directly below it
	// (RFC 4592 §3.3.1).
	labels := dns.SplitDomainName(name)
	for i := 1; i <= len(labels); i++ {
		enc := "."
		if i < len(labels) {
			enc = dns.Fqdn(strings.Join(labels[i:], "."))
		}
		if !dns.IsSubDomain(z.Origin, enc) {
			return nil, false
		}
		if _, ok := z.nodes[enc]; !ok && !z.ents[enc] {
			continue
		}
		wild, ok := z.nodes["*."+strings.TrimPrefix(enc, ".")]
		if enc == "." {
			wild, ok = z.nodes["*."]
		}
		if !ok {
			return nil, false
		}
		out := make(map[uint16][]dns.RR, len(wild))
		for t, rrs := range wild {
			for _, rr := range rrs {
				c := dns.Copy(rr)
				c.Header().Name = name
				out[t] = append(out[t], c)
			}
		}
		return out, true
	}
	return nil, false
}

// maxCNAMEHops bounds CNAME chains, inside zones and across the network.
const maxCNAMEHops = 16

// Zones is a set of zones answered from memory.
type Zones []*Zone

// For returns the zone with the longest origin that holds name, or nil.
func (zs Zones) For(name string) *Zone {
	var best *Zone
	for _, z := range zs {
		if z.Holds(name) && (best == nil || dns.CountLabel(z.Origin) > dns.CountLabel(best.Origin)) {
			best = z
		}
	}
	return best
}

// Lookup answers from the zones, following CNAMEs from one zone into
// another. ok is false when name is outside every zone; next is set when a
// CNAME chain leaves the zones, for the caller to continue elsewhere.
func (zs Zones) Lookup(name string, qtype uint16) (rcode int, rrs []dns.RR, next string, from *Zone, ok bool) {
	name = Fqdn(name)
	seen := map[string]bool{}
	for hops := 0; hops < maxCNAMEHops; hops++ {
		z := zs.For(name)
		if z == nil {
			if hops == 0 {
				return 0, nil, "", nil, false
			}
			return dns.RcodeSuccess, rrs, name, from, true
		}
		if from == nil {
			from = z
		}
		if seen[name] {
			return dns.RcodeServerFailure, rrs, "", from, true
		}
		seen[name] = true
		rc, got, nx := z.lookup(name, qtype)
		rrs = append(rrs, got...)
		if nx == "" {
			return rc, rrs, "", from, true
		}
		name = nx
	}
	return dns.RcodeServerFailure, rrs, "", from, true
}

// LoadZones reads a zone file, or every *.zone, *.db and db.* file in a
// folder (not its subfolders), in name order.
func LoadZones(path string) ([]*Zone, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &ZoneError{File: path, Err: err}
	}
	if !fi.IsDir() {
		z, err := LoadZone(path)
		if err != nil {
			return nil, err
		}
		return []*Zone{z}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, &ZoneError{File: path, Err: err}
	}
	var out []*Zone
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".zone") || strings.HasSuffix(n, ".db") || strings.HasPrefix(n, "db.")) {
			continue
		}
		z, err := LoadZone(filepath.Join(path, n))
		if err != nil {
			return nil, err
		}
		out = append(out, z)
	}
	if len(out) == 0 {
		return nil, &ZoneError{File: path, Msg: "no *.zone, *.db or db.* file in " + path}
	}
	return out, nil
}
