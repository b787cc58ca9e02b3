package dnsbl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// A lists file (--lists-file) is YAML: a "lists" key holding one entry
// per list (docs/dnsbl.md shows every field):
//
//	lists:
//	  - zone: bl.example.net
//	    name: Example blocklist
//	    kind: [ip4, ip6]
//	    severity: fail
//	    codes:
//	      127.0.0.2: spam source
//	      127.0.0.3: {meaning: policy listing, severity: warn}
//	    refused: [127.255.255.0/24]
//
// Only zone is required. An entry whose zone is in the catalog replaces
// the built-in list.

type fileLists struct {
	Lists []fileList `yaml:"lists"`
}

type fileList struct {
	Zone        string    `yaml:"zone"`
	Name        string    `yaml:"name"`
	Kind        kinds     `yaml:"kind"`
	Severity    string    `yaml:"severity"`
	Default     *bool     `yaml:"default"`
	Allowlist   bool      `yaml:"allowlist"`
	Bitmask     bool      `yaml:"bitmask"`
	LastOctet   bool      `yaml:"last_octet"`
	Codes       yaml.Node `yaml:"codes"`
	Refused     []string  `yaml:"refused"`
	RefusedBits int       `yaml:"refused_bits"`
	Test        string    `yaml:"test"`
	Info        string    `yaml:"info"`
	Terms       string    `yaml:"terms"`
	Delist      string    `yaml:"delist"`
	Removal     string    `yaml:"removal"`
	RemovalNote string    `yaml:"removal_note"`
}

// kinds accepts "ip4" or [ip4, ip6].
type kinds []string

func (k *kinds) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*k = strings.Split(n.Value, ",")
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*k = s
	return nil
}

type fileCode struct {
	Meaning  string `yaml:"meaning"`
	Severity string `yaml:"severity"`
}

// maxListsFile bounds a lists file.
const maxListsFile = 1 << 20

// ParseLists reads a lists file. Errors name the file and, where the YAML
// parser gives one, the line.
func ParseLists(r io.Reader, file string) ([]List, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxListsFile+1))
	if err != nil {
		return nil, wrapf(ErrBadLists, err, "invalid lists file %s", file)
	}
	if len(b) > maxListsFile {
		return nil, errorf(ErrBadLists, "invalid lists file %s: larger than %d bytes", file, maxListsFile)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var fl fileLists
	if err := dec.Decode(&fl); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errorf(ErrBadLists, "invalid lists file %s: empty; want a \"lists:\" key with one entry per list", file)
		}
		return nil, wrapf(ErrBadLists, newYAMLError(err), "invalid lists file %s", file)
	}
	if len(fl.Lists) == 0 {
		return nil, errorf(ErrBadLists, "invalid lists file %s: no lists; want a \"lists:\" key with one entry per list", file)
	}
	var out []List
	seen := map[string]bool{}
	for i, f := range fl.Lists {
		l, err := f.list()
		if err != nil {
			return nil, wrapf(ErrBadLists, err, "invalid lists file %s: list %d (%s)", file, i+1, f.Zone)
		}
		if seen[l.Zone] {
			return nil, errorf(ErrBadLists, "invalid lists file %s: list %d: zone %s appears twice", file, i+1, l.Zone)
		}
		seen[l.Zone] = true
		out = append(out, l)
	}
	return out, nil
}

func (f fileList) list() (List, error) {
	if f.Zone == "" {
		return List{}, errors.New("zone is required")
	}
	zone, err := dnsx.Domain(f.Zone)
	if err != nil {
		return List{}, fmt.Errorf("zone %q is not a DNS name", f.Zone)
	}
	l := List{Zone: zone, Name: f.Name, Severity: checks.SeverityFail, Default: true, Allowlist: f.Allowlist,
		Bitmask: f.Bitmask, LastOctet: f.LastOctet, Test: f.Test, Info: f.Info, Terms: f.Terms,
		Delist: f.Delist, RemovalNote: f.RemovalNote}
	switch r := Removal(f.Removal); r {
	case RemovalUnknown, RemovalSelf, RemovalRequest, RemovalExpires:
		l.Removal = r
	default:
		return List{}, fmt.Errorf("removal %q: want self-service, request or expires", f.Removal)
	}
	if l.Name == "" {
		l.Name = zone
	}
	if f.Default != nil {
		l.Default = *f.Default
	}
	if f.Severity != "" {
		s, err := severity(f.Severity)
		if err != nil {
			return List{}, err
		}
		l.Severity = s
	}
	if l.Allowlist {
		l.Severity = checks.SeverityInfo
	}
	if len(f.Kind) == 0 {
		f.Kind = kinds{"ip4"}
	}
	for _, k := range f.Kind {
		switch Kind(strings.TrimSpace(k)) {
		case KindIP4, KindIP6, KindDomain:
			l.Kinds = append(l.Kinds, Kind(strings.TrimSpace(k)))
		default:
			return List{}, fmt.Errorf("kind %q: want ip4, ip6 or domain", k)
		}
	}
	if f.RefusedBits < 0 || f.RefusedBits > 255 {
		return List{}, fmt.Errorf("refused_bits %d: want 0 to 255", f.RefusedBits)
	}
	if f.RefusedBits != 0 && !f.Bitmask {
		return List{}, errors.New("refused_bits needs bitmask: true")
	}
	l.RefusedBits = uint8(f.RefusedBits)
	for _, r := range f.Refused {
		p, err := loopbackPrefix(r)
		if err != nil {
			return List{}, fmt.Errorf("refused %q: %w", r, err)
		}
		l.Refused = append(l.Refused, p)
	}
	if f.Codes.Kind != 0 {
		if f.Codes.Kind != yaml.MappingNode {
			return List{}, fmt.Errorf("line %d: codes: want a mapping of code to meaning", f.Codes.Line)
		}
		for i := 0; i+1 < len(f.Codes.Content); i += 2 {
			kn, vn := f.Codes.Content[i], f.Codes.Content[i+1]
			c, err := fileCodeOf(kn, vn, l.Bitmask)
			if err != nil {
				return List{}, fmt.Errorf("line %d: code %q: %w", kn.Line, kn.Value, err)
			}
			l.Codes = append(l.Codes, c)
		}
	}
	return l, nil
}

func fileCodeOf(kn, vn *yaml.Node, bitmask bool) (Code, error) {
	var fc fileCode
	switch vn.Kind {
	case yaml.ScalarNode:
		fc.Meaning = vn.Value
	case yaml.MappingNode:
		if err := vn.Decode(&fc); err != nil {
			return Code{}, err
		}
	default:
		return Code{}, errors.New("want a meaning, or {meaning: …, severity: …}")
	}
	c := Code{Meaning: fc.Meaning}
	if fc.Severity != "" {
		s, err := severity(fc.Severity)
		if err != nil {
			return Code{}, err
		}
		c.Severity = s
	}
	key := strings.TrimSpace(kn.Value)
	if bitmask {
		b, err := strconv.Atoi(key)
		if err != nil || b <= 0 || b > 128 || b&(b-1) != 0 {
			return Code{}, errors.New("a bitmask list's codes are bit values: 1, 2, 4 … 128")
		}
		c.Code = strconv.Itoa(b)
		return c, nil
	}
	// ".2" and "2" are short for 127.0.0.2.
	if n, err := strconv.Atoi(strings.TrimPrefix(key, ".")); err == nil && n >= 0 && n <= 255 {
		key = "127.0.0." + strconv.Itoa(n)
	}
	a, err := netip.ParseAddr(key)
	if err != nil || !a.Is4() || !loopback8.Contains(a) {
		return Code{}, errors.New("want an address in 127.0.0.0/8")
	}
	c.Code = a.String()
	return c, nil
}

func loopbackPrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return p, errors.New("not an address or CIDR block")
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return p, errors.New("not an address or CIDR block")
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if !p.Addr().Is4() || !loopback8.Contains(p.Addr()) || p.Bits() < 8 {
		return p, errors.New("want addresses in 127.0.0.0/8")
	}
	return p.Masked(), nil
}

func severity(s string) (checks.Severity, error) {
	switch checks.Severity(s) {
	case checks.SeverityInfo, checks.SeverityWarn, checks.SeverityFail:
		return checks.Severity(s), nil
	}
	return "", fmt.Errorf("severity %q: want info, warn or fail", s)
}

// Merge returns catalog with extra added: an extra list whose zone is in
// the catalog takes its place, the others come after.
func Merge(catalog, extra []List) []List {
	out := append([]List(nil), catalog...)
	idx := map[string]int{}
	for i, l := range out {
		idx[l.Zone] = i
	}
	for _, l := range extra {
		if i, ok := idx[l.Zone]; ok {
			out[i] = l
			continue
		}
		idx[l.Zone] = len(out)
		out = append(out, l)
	}
	return out
}
