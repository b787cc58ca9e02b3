package policy

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Keys of the file, by mapping: a test holds docs/relayctl.schema.json to
// them.
var (
	TopKeys     = []string{"defaults", "expect", "severity", "ignore"}
	DefaultKeys = []string{"resolver", "timeout", "selectors", "fail-on"}
	ExpectKeys  = []string{"dmarc.policy", "dmarc.min_pct", "spf.max_lookups", "spf.all", "dkim.selectors", "dkim.min_bits", "mtasts.mode", "tlsrpt", "mx.hosts", "blacklist.allow_listed"}
	IgnoreKeys  = []string{"code", "domain", "until", "reason"}
)

// Ordered values of the expectations that name a level, weakest first.
var (
	dmarcPolicies = []string{"none", "quarantine", "reject"}
	spfAlls       = []string{"pass", "neutral", "softfail", "fail"}
	mtastsModes   = []string{"none", "testing", "enforce"}
	failOns       = []string{"warn", "fail", "never"}
	severities    = []string{"info", "warn", "fail"}
)

// Known is what the loader holds the file's finding codes against (a
// severity override's key, an ignore's code). The table lives in
// checks/codebook, which imports this package for its Codes, so the
// caller passes it in.
type Known struct {
	// Codes is every finding code relayctl emits.
	Codes []string
	// Nearest returns the known codes closest to a mistyped one, for
	// the message; nil for none.
	Nearest func(code string) []string
}

// Parse reads a policy file's bytes; name is the file's path, for
// messages. With known not nil, a code (or glob) under severity or
// ignore that names no known code is an error. Every error is an *Error
// with the line and column.
func Parse(name string, data []byte, known *Known) (*Policy, error) {
	p := &Policy{Path: name, Expect: map[string]Expectations{}, Severity: map[string]checks.Severity{}}
	l := loader{path: name, known: known}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, l.yamlError(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return p, nil // an empty file is an empty policy
	}
	root := doc.Content[0]
	err := l.mapping(root, TopKeys, func(key string, v *yaml.Node) error {
		switch key {
		case "defaults":
			return l.defaults(v, &p.Defaults)
		case "expect":
			exp := v
			return l.mapping(exp, nil, func(domain string, v *yaml.Node) error {
				d := strings.TrimSuffix(strings.ToLower(domain), ".")
				if d == "" {
					return l.at(v, "an empty domain name")
				}
				if _, dup := p.Expect[d]; dup {
					return l.at(v, fmt.Sprintf("domain %q twice", domain))
				}
				e := Expectations{Line: keyOf(exp, v).Line}
				if err := l.expect(v, &e); err != nil {
					return err
				}
				p.Expect[d] = e
				return nil
			})
		case "severity":
			sev := v
			return l.mapping(sev, nil, func(code string, v *yaml.Node) error {
				if _, err := path.Match(code, ""); err != nil || code == "" {
					return l.at(v, fmt.Sprintf("bad code pattern %q", code))
				}
				if err := l.code(keyOf(sev, v), code); err != nil {
					return err
				}
				s, err := l.oneOf(v, severities)
				p.Severity[code] = checks.Severity(s)
				return err
			})
		case "ignore":
			if v.Kind != yaml.SequenceNode {
				return l.at(v, "ignore: want a list of {code, domain, until, reason}")
			}
			for _, item := range v.Content {
				ig, err := l.ignore(item)
				if err != nil {
					return err
				}
				p.Ignores = append(p.Ignores, ig)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// loader turns nodes into values, with errors that say where.
type loader struct {
	path  string
	known *Known
}

// keyOf is the key node of v in the mapping n (for the place of an
// error about the key); v itself when not found.
func keyOf(n, v *yaml.Node) *yaml.Node {
	for i := 1; i < len(n.Content); i += 2 {
		if n.Content[i] == v {
			return n.Content[i-1]
		}
	}
	return v
}

// code checks that code, a finding code or a glob, names at least one
// known code; n is where it stands in the file.
func (l loader) code(n *yaml.Node, code string) error {
	if l.known == nil {
		return nil
	}
	for _, c := range l.known.Codes {
		if ok, _ := path.Match(code, c); ok {
			return nil
		}
	}
	msg := fmt.Sprintf("unknown finding code %q", code)
	if strings.ContainsAny(code, "*?[") {
		msg = fmt.Sprintf("the pattern %q matches no finding code", code)
	}
	if l.known.Nearest != nil {
		if near := l.known.Nearest(code); len(near) > 0 {
			msg += " (did you mean " + strings.Join(near, ", ") + "?)"
		}
	}
	return l.at(n, msg+"; relayctl explain lists them all")
}

func (l loader) at(n *yaml.Node, msg string) error {
	return &Error{Path: l.path, Line: n.Line, Col: n.Column, Msg: msg}
}

// yamlError keeps the YAML library's line but says the rest in our words.
func (l loader) yamlError(err error) error {
	msg := textutil.LibraryText(err)
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if v, e := strconv.Atoi(n); e == nil {
				line, msg = v, after
			}
		}
	}
	return &Error{Path: l.path, Line: line, Col: 1, Msg: "not valid YAML: " + msg}
}

// mapping calls each for every key of n, in order; with known set, a
// key outside it is an error, and a key given twice always is.
func (l loader) mapping(n *yaml.Node, known []string, each func(key string, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return l.at(n, "want a mapping of keys to values")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return l.at(k, "a key must be a plain name")
		}
		if known != nil && !slices.Contains(known, k.Value) {
			return l.at(k, fmt.Sprintf("unknown key %q (want one of %s)", k.Value, strings.Join(known, ", ")))
		}
		if seen[k.Value] {
			return l.at(k, fmt.Sprintf("key %q given twice", k.Value))
		}
		seen[k.Value] = true
		if err := each(k.Value, v); err != nil {
			return err
		}
	}
	return nil
}

func (l loader) str(n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" && n.Tag != "!!int" && n.Tag != "!!float" && n.Tag != "!!timestamp" {
		return "", l.at(n, "want a string")
	}
	return n.Value, nil
}

func (l loader) oneOf(n *yaml.Node, allowed []string) (string, error) {
	s, err := l.str(n)
	if err != nil || !slices.Contains(allowed, s) {
		return "", l.at(n, fmt.Sprintf("want one of %s", strings.Join(allowed, ", ")))
	}
	return s, nil
}

func (l loader) posInt(n *yaml.Node) (*int, error) {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil || v < 0 {
		return nil, l.at(n, "want a whole number, 0 or more")
	}
	return &v, nil
}

// strings reads a list of strings; a lone string is a list of one.
func (l loader) strings(n *yaml.Node) ([]string, error) {
	if n.Kind == yaml.ScalarNode {
		s, err := l.str(n)
		return []string{s}, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, l.at(n, "want a list of strings")
	}
	out := []string{}
	for _, c := range n.Content {
		s, err := l.str(c)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (l loader) defaults(n *yaml.Node, d *Defaults) error {
	return l.mapping(n, DefaultKeys, func(key string, v *yaml.Node) error {
		var err error
		switch key {
		case "resolver":
			d.Resolvers, err = l.strings(v)
		case "timeout":
			var s string
			if s, err = l.str(v); err == nil {
				d.Timeout, err = time.ParseDuration(s)
				if err != nil || d.Timeout <= 0 {
					return l.at(v, fmt.Sprintf("bad timeout %q: want a positive duration such as 5s", s))
				}
			}
		case "selectors":
			d.Selectors, err = l.strings(v)
		case "fail-on":
			d.FailOn, err = l.oneOf(v, failOns)
		}
		return err
	})
}

func (l loader) expect(n *yaml.Node, e *Expectations) error {
	return l.mapping(n, ExpectKeys, func(key string, v *yaml.Node) error {
		var err error
		switch key {
		case "dmarc.policy":
			e.DMARCPolicy, err = l.oneOf(v, dmarcPolicies)
		case "dmarc.min_pct":
			if e.DMARCMinPct, err = l.posInt(v); err == nil && *e.DMARCMinPct > 100 {
				return l.at(v, "pct is at most 100")
			}
		case "spf.max_lookups":
			e.SPFMaxLookups, err = l.posInt(v)
		case "spf.all":
			e.SPFAll, err = l.oneOf(v, spfAlls)
		case "dkim.selectors":
			e.DKIMSelectors, err = l.strings(v)
		case "dkim.min_bits":
			e.DKIMMinBits, err = l.posInt(v)
		case "mtasts.mode":
			e.MTASTSMode, err = l.oneOf(v, mtastsModes)
		case "tlsrpt":
			e.TLSRPT, err = l.oneOf(v, []string{"required"})
		case "mx.hosts":
			e.MXHosts, err = l.strings(v)
		case "blacklist.allow_listed":
			e.BlacklistAllowListed, err = l.strings(v)
		}
		return err
	})
}

func (l loader) ignore(n *yaml.Node) (Ignore, error) {
	ig := Ignore{Line: n.Line}
	err := l.mapping(n, IgnoreKeys, func(key string, v *yaml.Node) error {
		var err error
		switch key {
		case "code":
			ig.Code, err = l.str(v)
			if _, e := path.Match(ig.Code, ""); err == nil && (e != nil || ig.Code == "") {
				return l.at(v, fmt.Sprintf("bad code pattern %q", ig.Code))
			}
			if err == nil {
				err = l.code(v, ig.Code)
			}
		case "domain":
			ig.Domain, err = l.str(v)
			ig.Domain = strings.TrimSuffix(strings.ToLower(ig.Domain), ".")
		case "until":
			var s string
			if s, err = l.str(v); err == nil {
				ig.Until, err = time.Parse(time.DateOnly, s)
				if err != nil {
					return l.at(v, fmt.Sprintf("bad date %q: want YYYY-MM-DD", s))
				}
			}
		case "reason":
			ig.Reason, err = l.str(v)
		}
		return err
	})
	if err != nil {
		return ig, err
	}
	for _, k := range []struct {
		ok   bool
		name string
	}{{ig.Code != "", "code"}, {!ig.Until.IsZero(), "until"}, {strings.TrimSpace(ig.Reason) != "", "reason"}} {
		if !k.ok {
			return ig, l.at(n, "an ignore needs "+k.name+" (code, until and reason are required)")
		}
	}
	return ig, nil
}
