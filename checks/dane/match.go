package dane

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/miekg/dns"
)

// MatchResult says whether a server's certificate chain satisfies its TLSA
// records.
type MatchResult struct {
	Matched bool `json:"matched"`
	// Record is the record that matched, in presentation form
	// ("3 1 1 <hex>"), cut to 80 characters.
	Record string `json:"record,omitempty"`
	// Usage is "DANE-EE" or "DANE-TA" for a match. With DANE-TA the caller
	// still has to check the server name against the certificate
	// (RFC 7672 §3.2.2); with DANE-EE names and dates do not matter
	// (RFC 7672 §3.1.1).
	Usage string `json:"usage,omitempty"`
	// Depth is the position in the chain of the certificate that matched
	// (0 is the server's own); -1 when a DANE-TA record carries a full
	// trust-anchor certificate that the server did not send.
	Depth int `json:"depth"`
	// Usable is how many of the records an SMTP client would use.
	Usable int `json:"usable"`
	// Reason says why nothing matched.
	Reason string `json:"reason,omitempty"`
}

// Match checks the certificate chain a server presented (leaf first, as in
// tls.ConnectionState.PeerCertificates) against TLSA records with the SMTP
// rules of RFC 7672 §3.1: only usages DANE-TA (2) and DANE-EE (3) count;
// selectors Cert (0) and SPKI (1); matching types Full (0), SHA2-256 (1)
// and SHA2-512 (2).
//
// DANE-EE matches the leaf only, whatever its names and dates say. DANE-TA
// matches any certificate the server sent above the leaf, which then has to
// be a valid issuer of the leaf: the chain from the leaf up to it must
// verify, dates included. A DANE-TA record holding a whole certificate
// (2 0 0) also works as a trust anchor the server did not send.
func Match(records []*dns.TLSA, chain []*x509.Certificate) MatchResult {
	return matchAt(records, chain, time.Now())
}

func matchAt(records []*dns.TLSA, chain []*x509.Certificate, now time.Time) MatchResult {
	res := MatchResult{Depth: -1}
	var ee, ta []Record
	for _, t := range records {
		if t == nil {
			continue
		}
		r := Parse(t)
		if !r.Usable {
			continue
		}
		res.Usable++
		if r.Usage == UsageDANEEE {
			ee = append(ee, r)
		} else {
			ta = append(ta, r)
		}
	}
	switch {
	case res.Usable == 0:
		res.Reason = "no usable TLSA record (SMTP uses only DANE-TA and DANE-EE records with known parameters)"
		return res
	case len(chain) == 0 || chain[0] == nil:
		res.Reason = "the server presented no certificate"
		return res
	}

	for _, r := range ee {
		if matches(r, chain[0]) {
			return matched(res, r, 0)
		}
	}

	var whyNot string
	for _, r := range ta {
		for depth := 1; depth < len(chain); depth++ {
			if chain[depth] == nil || !matches(r, chain[depth]) {
				continue
			}
			err := verifyTo(chain, chain[depth], now)
			if err == nil {
				return matched(res, r, depth)
			}
			whyNot = fmt.Sprintf("DANE-TA record %q matches certificate %d of the chain, but the server certificate does not verify up to it: %v", short(r.String()), depth, err)
		}
		// A full certificate in the record is a trust anchor in its own
		// right, sent or not (RFC 7671 §5.2.2).
		if r.Selector == SelectorCert && r.MatchingType == MatchFull {
			anchor, err := x509.ParseCertificate(r.data)
			if err != nil {
				continue
			}
			if err := verifyTo(chain, anchor, now); err == nil {
				return matched(res, r, -1)
			} else if whyNot == "" {
				whyNot = fmt.Sprintf("the server certificate does not verify up to the certificate in DANE-TA record %q: %v", short(r.String()), err)
			}
		}
		if whyNot == "" && matches(r, chain[0]) {
			whyNot = "a DANE-TA record matches the server's own certificate; publish it as DANE-EE (3) instead, or point DANE-TA at the issuing CA"
		}
	}
	if whyNot == "" {
		whyNot = fmt.Sprintf("none of the %d usable TLSA records matches the server certificate or any certificate in its chain", res.Usable)
	}
	res.Reason = whyNot
	return res
}

func matched(res MatchResult, r Record, depth int) MatchResult {
	res.Matched = true
	res.Record = short(r.String())
	res.Usage = usageNames[r.Usage]
	res.Depth = depth
	return res
}

// matches compares one usable record with one certificate (RFC 6698
// §2.1.2, §2.1.3).
func matches(r Record, c *x509.Certificate) bool {
	var content []byte
	switch r.Selector {
	case SelectorCert:
		content = c.Raw
	case SelectorSPKI:
		content = c.RawSubjectPublicKeyInfo
	default:
		return false
	}
	if len(content) == 0 {
		return false
	}
	switch r.MatchingType {
	case MatchFull:
		return bytes.Equal(content, r.data)
	case MatchSHA256:
		sum := sha256.Sum256(content)
		return bytes.Equal(sum[:], r.data)
	case MatchSHA512:
		sum := sha512.Sum512(content)
		return bytes.Equal(sum[:], r.data)
	}
	return false
}

// verifyTo checks that the leaf chains up to anchor through the other
// certificates the server sent. Names are not checked here; the purpose
// is any, since SMTP servers' certificates often carry no serverAuth EKU.
func verifyTo(chain []*x509.Certificate, anchor *x509.Certificate, now time.Time) error {
	roots := x509.NewCertPool()
	roots.AddCert(anchor)
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		if c != nil && c != anchor {
			inter.AddCert(c)
		}
	}
	_, err := chain[0].Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	return err
}

// short keeps a record's text readable in a message: a full certificate
// in hex runs to thousands of characters.
func short(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
