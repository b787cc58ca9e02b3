// Package bimi checks a domain's Brand Indicators for Message
// Identification (BIMI, draft-brand-indicators-for-message-identification):
// the assertion record at <selector>._bimi.<domain> with the fallback to
// the organizational domain (§7.2), its syntax (§4.3), the DMARC policy
// BIMI requires — quarantine or reject, applied to all mail, no sp=none
// (§2, §7.1) — and the indicator itself: fetched over HTTPS with the
// certificate verified, size-bounded, and checked to be an SVG document
// in the SVG Tiny Portable/Secure profile (§4.3.2, §7.5, §7.6).
package bimi

import (
	"crypto/x509"
	"time"
)

// DefaultSelector is the selector of the default assertion record (§4.4).
const DefaultSelector = "default"

// Size limits for the indicator.
const (
	// RecommendedLogoSize is the largest SVG the BIMI Group's
	// implementation guide recommends (32 KiB).
	RecommendedLogoSize = 32 << 10
	// maxLogoFetch is where the fetch stops reading.
	maxLogoFetch = 64 << 10
)

// Options tune the check.
type Options struct {
	// Selector names the assertion record; DefaultSelector when empty.
	Selector string
	// NoLogoFetch skips fetching the indicator named by l=.
	NoLogoFetch bool
	// RootCAs verifies the logo host's certificate; nil means the system
	// roots.
	RootCAs *x509.CertPool
	// Timeout bounds the logo fetch; fetch.DefaultTimeout when zero.
	Timeout time.Duration
	// HTTPSPort, when not zero, is dialled for the logo fetch instead of
	// the URL's port (a test hook, as in mtasts.Options).
	HTTPSPort int
}

// Record is a parsed BIMI assertion record (§4.3). Location and
// Authority are empty when the tag is empty or absent.
type Record struct {
	Version string `json:"v"`
	// Location is the l= URI of the indicator (an SVG over https).
	Location string `json:"l"`
	// Authority is the a= URI of the evidence document (a VMC or CMC in
	// PEM form over https).
	Authority string `json:"a"`
	// LPS is the lps= local-part selector flag; AVP the avp= avatar
	// preference (brand when absent).
	LPS bool   `json:"lps,omitempty"`
	AVP string `json:"avp,omitempty"`
	// Tags lists every tag as written; Unknown those no draft defines
	// (receivers ignore them).
	Tags    []Tag    `json:"tags"`
	Unknown []string `json:"unknown,omitempty"`
}

// Declined reports an explicit declination to publish: l= and a= both
// empty (§4.3.1).
func (r *Record) Declined() bool { return r.Location == "" && r.Authority == "" }

// Tag is one tag=value pair as written.
type Tag struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Col   int    `json:"col"`
}
