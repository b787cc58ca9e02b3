package dane

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/miekg/dns"
)

// Certificate usages (RFC 6698 §2.1.1, acronyms from RFC 7218 §2.1).
const (
	UsagePKIXTA = 0 // CA constraint; not for SMTP (RFC 7672 §3.1.3)
	UsagePKIXEE = 1 // service certificate constraint; not for SMTP
	UsageDANETA = 2 // trust anchor assertion
	UsageDANEEE = 3 // domain-issued certificate
)

// Selectors (RFC 6698 §2.1.2).
const (
	SelectorCert = 0 // the full certificate, DER
	SelectorSPKI = 1 // the SubjectPublicKeyInfo, DER
)

// Matching types (RFC 6698 §2.1.3).
const (
	MatchFull   = 0 // the selected content itself
	MatchSHA256 = 1
	MatchSHA512 = 2
)

// Problem says why a TLSA record cannot be used by an SMTP client; empty
// for a usable record.
type Problem string

const (
	ProblemNone Problem = ""
	// ProblemPKIX: usage 0 or 1, which SMTP clients ignore because there
	// is no agreed set of public CAs for MTA-to-MTA mail (RFC 7672 §3.1.3).
	ProblemPKIX Problem = "pkix-usage"
	// ProblemUnknown: a usage, selector or matching type no standard
	// defines; such a record is unusable (RFC 6698 §4.1).
	ProblemUnknown Problem = "unknown-parameter"
	// ProblemData: the association data is empty or has the wrong length
	// for its matching type.
	ProblemData Problem = "bad-data"
)

// Record is one TLSA record, parsed and judged (Data.Hosts[].records).
type Record struct {
	Usage        uint8 `json:"usage"`
	Selector     uint8 `json:"selector"`
	MatchingType uint8 `json:"matching_type"`
	// Data is the certificate association data in lower-case hex.
	Data string `json:"data"`
	// Text is the record in the usual mnemonic form, e.g.
	// "DANE-EE SPKI SHA2-256".
	Text string `json:"text"`
	// Usable is true when an SMTP client would use the record
	// (RFC 7672 §2.2, §3.1).
	Usable  bool    `json:"usable"`
	Problem Problem `json:"problem,omitempty"`
	// Detail explains Problem to a person.
	Detail string `json:"detail,omitempty"`

	data []byte
}

var (
	usageNames    = map[uint8]string{0: "PKIX-TA", 1: "PKIX-EE", 2: "DANE-TA", 3: "DANE-EE"}
	selectorNames = map[uint8]string{0: "Cert", 1: "SPKI"}
	matchNames    = map[uint8]string{0: "Full", 1: "SHA2-256", 2: "SHA2-512"}
)

func mnemonic(names map[uint8]string, v uint8) string {
	if n, ok := names[v]; ok {
		return n
	}
	return fmt.Sprintf("%d", v)
}

// digestLen is the data length a matching type demands (0: any non-empty).
func digestLen(mt uint8) int {
	switch mt {
	case MatchSHA256:
		return 32
	case MatchSHA512:
		return 64
	}
	return 0
}

// Parse turns a TLSA resource record into a Record and judges whether an
// SMTP client can use it.
func Parse(t *dns.TLSA) Record {
	r := Record{
		Usage:        t.Usage,
		Selector:     t.Selector,
		MatchingType: t.MatchingType,
		Data:         strings.ToLower(t.Certificate),
		Text:         mnemonic(usageNames, t.Usage) + " " + mnemonic(selectorNames, t.Selector) + " " + mnemonic(matchNames, t.MatchingType),
	}
	data, err := hex.DecodeString(t.Certificate)
	switch {
	case t.Usage == UsagePKIXTA || t.Usage == UsagePKIXEE:
		r.Problem = ProblemPKIX
		r.Detail = fmt.Sprintf("usage %d (%s) relies on public CAs, which SMTP clients do not use for DANE", t.Usage, usageNames[t.Usage])
	case t.Usage > UsageDANEEE:
		r.Problem, r.Detail = ProblemUnknown, fmt.Sprintf("certificate usage %d is not defined", t.Usage)
	case t.Selector > SelectorSPKI:
		r.Problem, r.Detail = ProblemUnknown, fmt.Sprintf("selector %d is not defined", t.Selector)
	case t.MatchingType > MatchSHA512:
		r.Problem, r.Detail = ProblemUnknown, fmt.Sprintf("matching type %d is not defined", t.MatchingType)
	case err != nil:
		r.Problem, r.Detail = ProblemData, "the association data is not valid hex"
	case len(data) == 0:
		r.Problem, r.Detail = ProblemData, "the association data is empty"
	case digestLen(t.MatchingType) != 0 && len(data) != digestLen(t.MatchingType):
		r.Problem = ProblemData
		r.Detail = fmt.Sprintf("a %s digest is %d bytes, this one is %d", matchNames[t.MatchingType], digestLen(t.MatchingType), len(data))
	}
	if r.Problem == ProblemNone {
		r.Usable = true
		r.data = data
	}
	return r
}

// String is the record's presentation form: "3 1 1 <hex>".
func (r Record) String() string {
	return fmt.Sprintf("%d %d %d %s", r.Usage, r.Selector, r.MatchingType, r.Data)
}
