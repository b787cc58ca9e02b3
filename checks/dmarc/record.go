// Package dmarc checks a domain's DMARC policy (Domain-based Message
// Authentication, Reporting, and Conformance, RFC 7489, and its revision
// DMARCbis, draft-ietf-dmarc-dmarcbis / RFC 9989): the record at
// _dmarc.<domain>, found directly or by the DMARCbis DNS tree walk, every
// tag parsed and validated, the organizational domain by the tree walk
// and by the public suffix list, and the external report authorization
// of RFC 7489 §7.1.
package dmarc

import "github.com/relayctl/relayctl/checks/internal/taglist"

// Policy is a Domain Owner Assessment Policy: the p, sp and np tags
// (RFC 7489 §6.3).
type Policy string

const (
	PolicyNone       Policy = "none"
	PolicyQuarantine Policy = "quarantine"
	PolicyReject     Policy = "reject"
)

// strength orders policies from weakest to strongest; an unknown or
// absent policy ranks below none.
func (p Policy) strength() int {
	switch p {
	case PolicyNone:
		return 1
	case PolicyQuarantine:
		return 2
	case PolicyReject:
		return 3
	}
	return 0
}

// Alignment is an identifier alignment mode: adkim and aspf
// (RFC 7489 §3.1).
type Alignment string

const (
	AlignmentRelaxed Alignment = "r"
	AlignmentStrict  Alignment = "s"
)

// Tag is one tag=value pair as written in the record, its name in lower
// case.
type Tag = taglist.Tag

// ReportURI is one entry of a rua or ruf list (RFC 7489 §6.2, §6.4).
type ReportURI struct {
	URI     string `json:"uri"`                // as written, without the !size suffix
	Scheme  string `json:"scheme"`             // lower case: mailto, https…
	Address string `json:"address,omitempty"`  // mailto: the address
	Domain  string `json:"domain,omitempty"`   // mailto: the address's domain, lower case
	MaxSize uint64 `json:"max_size,omitempty"` // bytes from the !size suffix; 0 = none
	Col     int    `json:"col"`                // 1-based byte column in the record
}

// Record is a parsed DMARC record. Fields hold the value that applies: a
// tag that is absent has its default (pct 100, adkim and aspf r, fo 0, rf
// afrf, ri 86400, t n, psd u); SubdomainPolicy and NonexistentPolicy are
// empty when absent because they inherit (use EffectiveSP, EffectiveNP).
type Record struct {
	Version           string      `json:"v"`
	Policy            Policy      `json:"p,omitempty"`
	SubdomainPolicy   Policy      `json:"sp,omitempty"`
	NonexistentPolicy Policy      `json:"np,omitempty"`
	Percent           int         `json:"pct"`
	RUA               []ReportURI `json:"rua,omitempty"`
	RUF               []ReportURI `json:"ruf,omitempty"`
	ADKIM             Alignment   `json:"adkim"`
	ASPF              Alignment   `json:"aspf"`
	FailureOptions    []string    `json:"fo"`
	ReportFormats     []string    `json:"rf"`
	ReportInterval    uint32      `json:"ri"` // seconds
	Testing           string      `json:"t"`  // y or n (DMARCbis)
	PSD               string      `json:"psd"`
	// Tags lists every tag in the order written; Unknown those that no
	// DMARC specification defines (receivers ignore them, RFC 7489 §6.3).
	Tags    []Tag `json:"tags"`
	Unknown []Tag `json:"unknown,omitempty"`
}

// Has reports whether the record sets the tag (name in lower case).
func (r *Record) Has(name string) bool {
	_, ok := r.Tag(name)
	return ok
}

// Tag returns the tag as written.
func (r *Record) Tag(name string) (Tag, bool) {
	for _, t := range r.Tags {
		if t.Name == name {
			return t, true
		}
	}
	return Tag{}, false
}

// EffectiveSP is the policy for existing subdomains: sp, else p
// (RFC 7489 §6.3).
func (r *Record) EffectiveSP() Policy {
	if r.SubdomainPolicy != "" {
		return r.SubdomainPolicy
	}
	return r.Policy
}

// EffectiveNP is the policy for non-existent subdomains: np, else sp,
// else p (DMARCbis §5.3, RFC 9091 §4.1).
func (r *Record) EffectiveNP() Policy {
	if r.NonexistentPolicy != "" {
		return r.NonexistentPolicy
	}
	return r.EffectiveSP()
}
