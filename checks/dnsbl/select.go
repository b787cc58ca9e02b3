package dnsbl

import (
	"strings"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// Keys are the account keys some lists need in their zone name.
type Keys struct {
	DQS    string
	Abusix string
}

func (k Keys) of(key Key) string {
	switch key {
	case KeyDQS:
		return k.DQS
	case KeyAbusix:
		return k.Abusix
	}
	return ""
}

// Validate checks that each key given can stand as a DNS label, the way
// it is used.
func (k Keys) Validate() error {
	for _, c := range []struct {
		key Key
		v   string
	}{{KeyDQS, k.DQS}, {KeyAbusix, k.Abusix}} {
		if c.v == "" {
			continue
		}
		if len(c.v) > 63 || strings.TrimFunc(c.v, isAlnum) != "" {
			return errorf(ErrBadKey, "invalid key: %s takes the key as the list gives it (letters and digits only)", c.key.Flag())
		}
	}
	return nil
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// Skip is a list left out of a run and why.
type Skip struct {
	List   List   `json:"list"`
	Reason string `json:"reason"`
}

// Selection is what a run checks.
type Selection struct {
	Lists   []List
	Skipped []Skip
}

// SelectOptions say which lists a run checks.
type SelectOptions struct {
	// Names are the zones of --list: those lists instead of the defaults.
	// A zone the catalog does not know is checked as a plain list.
	Names []string
	// Exclude drops these zones.
	Exclude []string
	Keys    Keys
	// Kinds the run's targets are: a list that lists none of them is not
	// a default, and naming one is an error.
	Kinds []Kind
}

// Select picks the lists to check from catalog. A list that needs a key
// the user did not give is skipped with a reason; a DQS list that can be
// used replaces the public Spamhaus zone it mirrors.
func Select(catalog []List, opt SelectOptions) (Selection, error) {
	var sel Selection
	if err := opt.Keys.Validate(); err != nil {
		return sel, err
	}
	byZone := map[string]*List{}
	for i := range catalog {
		byZone[catalog[i].Zone] = &catalog[i]
	}
	excluded := map[string]bool{}
	for _, z := range opt.Exclude {
		n, err := dnsx.Domain(z)
		if err != nil {
			return sel, errorf(ErrUnknownList, "unknown list %q in --exclude: not a zone name", z)
		}
		excluded[n] = true
	}
	kindOK := func(l *List) bool {
		for _, k := range opt.Kinds {
			if l.Lists(k) {
				return true
			}
		}
		return false
	}
	var picked []List
	named := len(opt.Names) > 0
	if named {
		seen := map[string]bool{}
		for _, z := range opt.Names {
			n, err := dnsx.Domain(z)
			if err != nil {
				return sel, errorf(ErrUnknownList, "unknown list %q in --list: not a zone name", z)
			}
			if seen[n] {
				continue
			}
			seen[n] = true
			l, ok := byZone[n]
			if !ok {
				picked = append(picked, List{Zone: n, Name: n, Kinds: opt.Kinds, Severity: sevFail, Default: true})
				continue
			}
			if !kindOK(l) {
				return sel, errorf(ErrWrongKind, "wrong kind of list: %s lists %s, not %s", n, l.KindString(), kindNames(opt.Kinds))
			}
			picked = append(picked, *l)
		}
	} else {
		for i := range catalog {
			if catalog[i].Default && kindOK(&catalog[i]) {
				picked = append(picked, catalog[i])
			}
		}
	}
	replaced := map[string]bool{}
	for _, l := range picked {
		if l.Key != KeyNone && opt.Keys.of(l.Key) != "" && l.Replaces != "" && !named {
			replaced[l.Replaces] = true
		}
	}
	for _, l := range picked {
		switch {
		case excluded[l.Zone]:
		case replaced[l.Zone]:
		case l.Key != KeyNone && opt.Keys.of(l.Key) == "":
			sel.Skipped = append(sel.Skipped, Skip{List: l, Reason: "needs " + l.Key.Flag()})
		default:
			sel.Lists = append(sel.Lists, l)
		}
	}
	return sel, nil
}

func kindNames(ks []Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, " or ")
}
