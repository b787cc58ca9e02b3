// Package dnsbl asks DNS blocklists and allowlists (DNSBL/DNSWL, RFC 5782)
// about IP addresses and domain names, and says honestly what each list
// answered: listed (with the meaning of each return code and the TXT
// reason), not listed, refused (the list will not answer this resolver),
// broken (an answer outside 127.0.0.0/8, a timeout, SERVFAIL) or
// untrustworthy (the list fails its RFC 5782 §5 test entries).
//
// Every query goes through a dnsx.Resolver. A Checker checks one target
// against a set of lists, each list's health once per run beside the real
// queries; Run streams any number of targets through a bounded pool and
// hands back their reports in input order.
package dnsbl

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// Kind is what a list lists: IPv4 addresses, IPv6 addresses or domain
// names.
type Kind string

const (
	KindIP4    Kind = "ip4"
	KindIP6    Kind = "ip6"
	KindDomain Kind = "domain"
)

// Key names the account key a list needs in its zone name.
type Key string

const (
	KeyNone   Key = ""
	KeyDQS    Key = "dqs"    // Spamhaus Data Query Service: KEY.zen.dq.spamhaus.net
	KeyAbusix Key = "abusix" // Abusix Mail Intelligence: KEY.combined.mail.abusix.zone
)

// Flag is the command-line flag that supplies the key.
func (k Key) Flag() string {
	if k == KeyNone {
		return ""
	}
	return "--" + string(k) + "-key"
}

// Code is the meaning of one return code: an address in 127.0.0.0/8 (for
// a list whose answers are exact codes), or one bit of the last octet
// (for a bitmask list).
type Code struct {
	// Code is the answer ("127.0.0.2"), or for a bitmask list the bit's
	// value ("8").
	Code    string `json:"code"`
	Meaning string `json:"meaning"`
	// Severity of a listing with this code; the list's when empty.
	Severity checks.Severity `json:"severity,omitempty"`
}

// List is one blocklist or allowlist of the catalog.
type List struct {
	// Zone is the list's DNS zone. For a list with a Key the zone asked
	// is KEY.Zone.
	Zone string `json:"zone"`
	// Name is what people call the list.
	Name  string `json:"name"`
	Kinds []Kind `json:"kinds"`
	// Severity of a listing whose code does not say otherwise.
	Severity checks.Severity `json:"severity"`
	// Default lists are checked when the user names none.
	Default bool `json:"default"`
	Key     Key  `json:"key,omitempty"`
	// Allowlist: being listed is good news (DNSWL).
	Allowlist bool `json:"allowlist,omitempty"`
	// Bitmask: the last octet of an answer is a set of bits, each a
	// sub-list (SURBL, URIBL).
	Bitmask bool `json:"bitmask,omitempty"`
	// LastOctet: codes are matched on the last octet alone (DNSWL puts a
	// category in the third).
	LastOctet bool   `json:"last_octet,omitempty"`
	Codes     []Code `json:"codes,omitempty"`
	// Refused are answers that mean "I will not answer you" (Spamhaus
	// 127.255.255.0/24, DNSWL 127.0.0.255); never a listing.
	Refused []netip.Prefix `json:"refused,omitempty"`
	// RefusedBits, for a bitmask list: any of these bits set means the
	// query was refused (SURBL and URIBL use bit 1).
	RefusedBits uint8 `json:"refused_bits,omitempty"`
	// Test is the entry that must be listed (RFC 5782 §5): the list's own
	// test name for a domain list ("TEST" when empty). "none" skips the
	// positive test for a list known not to carry one.
	Test string `json:"test,omitempty"`
	// Replaces names the zone this list stands in for when it is usable
	// (the DQS mirror of a public Spamhaus zone).
	Replaces string `json:"replaces,omitempty"`
	// Info is where the list explains its codes and takes removal
	// requests; Terms sums up who may use it.
	Info  string `json:"info,omitempty"`
	Terms string `json:"terms,omitempty"`
	// Delist is the page where a listing is looked up and removed, and
	// Removal how a listing comes off, where the list documents it;
	// RemovalNote says more (how long expiry takes, who must ask).
	// docs/dnsbl.md marks what could not be verified.
	Delist      string  `json:"delist,omitempty"`
	Removal     Removal `json:"removal,omitempty"`
	RemovalNote string  `json:"removal_note,omitempty"`
}

// Removal is how a listing comes off a list.
type Removal string

const (
	// RemovalUnknown: the list documents no removal process.
	RemovalUnknown Removal = ""
	// RemovalSelf: the listed party removes it on the list's page.
	RemovalSelf Removal = "self-service"
	// RemovalRequest: a request the list's staff review (or that only
	// the address's provider may make).
	RemovalRequest Removal = "request"
	// RemovalExpires: the listing expires by itself once the abuse stops.
	RemovalExpires Removal = "expires"
)

// Lists reports whether l lists targets of kind k.
func (l *List) Lists(k Kind) bool {
	for _, x := range l.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// KindString is the kinds joined for a table ("ip4,ip6").
func (l *List) KindString() string {
	s := make([]string, len(l.Kinds))
	for i, k := range l.Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

// Sentinel errors.
var (
	ErrBadTarget   = errors.New("dnsbl: invalid target")
	ErrTooMany     = errors.New("dnsbl: too many addresses")
	ErrBadLists    = errors.New("dnsbl: invalid lists file")
	ErrUnknownList = errors.New("dnsbl: unknown list")
	ErrWrongKind   = errors.New("dnsbl: wrong kind of list")
	ErrBadKey      = errors.New("dnsbl: invalid key")
	ErrListDown    = errors.New("dnsbl: list not answering")
)
