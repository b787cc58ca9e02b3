package message

import (
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dkimverify"
)

// DKIMData is the data of the dkim check.
type DKIMData struct {
	// HeaderFrom is the From domain the signatures are aligned with.
	HeaderFrom string          `json:"header_from,omitempty"`
	Signatures []DKIMSignature `json:"signatures"`
	// NotEvaluated counts the DKIM-Signature fields past the first 32,
	// left unverified.
	NotEvaluated int `json:"not_evaluated,omitempty"`
	// Truncated: the input reader cut the message, so body hashes were
	// not judged.
	Truncated bool `json:"truncated,omitempty"`
}

// DKIMSignature is the verdict on one DKIM-Signature field.
type DKIMSignature struct {
	Domain    string `json:"domain"`
	Selector  string `json:"selector"`
	Identity  string `json:"identity,omitempty"`
	Algorithm string `json:"algorithm"`
	// Canonicalization is c=, header/body ("relaxed/simple").
	Canonicalization string   `json:"canonicalization"`
	Headers          []string `json:"headers"`
	// BodyLength is l=, absent when the signature has none.
	BodyLength *int64 `json:"body_length,omitempty"`
	// Result is pass, fail, neutral, temperror or permerror (RFC 8601
	// §2.7.1); Cause and Error say why it did not pass.
	Result string `json:"result"`
	Cause  string `json:"cause,omitempty"`
	Error  string `json:"error,omitempty"`
	// Aligned: d= is aligned with the From domain in the DMARC policy's
	// adkim mode (Alignment: relaxed or strict).
	Aligned   bool   `json:"aligned"`
	Alignment string `json:"alignment"`
	KeyType   string `json:"key_type,omitempty"`
	KeyBits   int    `json:"key_bits,omitempty"`
	// UnsignedOctets is what l= leaves unsigned at the end of the body.
	UnsignedOctets int64 `json:"unsigned_octets,omitempty"`
	FromSigned     bool  `json:"from_signed"`
	FromOverSigned bool  `json:"from_over_signed"`
	// Field is the signature's place in the header, 0 the topmost field.
	Field int `json:"field"`
}

const (
	ref6376Verify = "RFC 6376 §6.1"
	ref8301       = "RFC 8301 §3"
)

// causeCodes maps each cause of a signature that did not pass to its
// finding code, its severity when no other signature passes, and a hint.
func causeCodes() map[dkimverify.Cause]causeCode {
	return map[dkimverify.Cause]causeCode{
		dkimverify.CauseSyntax:               {"dkim.signature-syntax", "Fix the signer: the signature breaks RFC 6376 §3.5 (the message names the tag).", checks.SeverityWarn},
		dkimverify.CauseUnsupportedAlgorithm: {"dkim.algorithm-unsupported", "Sign with rsa-sha256 or ed25519-sha256 and relaxed or simple canonicalization.", checks.SeverityWarn},
		dkimverify.CauseExpired:              {"dkim.signature-expired", "Verify mail soon after it is signed, or make x= later in the signer.", checks.SeverityFail},
		dkimverify.CauseKeyMissing:           {"dkim.key-missing", "Publish the public key at the selector's name, or fix s= or d= in the signer.", checks.SeverityFail},
		dkimverify.CauseKeyRevoked:           {"dkim.revoked-key", "Sign with a current key: the selector's key record has an empty p=.", checks.SeverityFail},
		dkimverify.CauseKeySyntax:            {"dkim.key-unreadable", "Republish the key record as the signer gives it (relayctl check dkim DOMAIN --selector S).", checks.SeverityFail},
		dkimverify.CauseKeyMismatch:          {"dkim.key-mismatch", "Make the key record's k=, h= and s= allow the signature's algorithm, or sign with the key's algorithm.", checks.SeverityFail},
		dkimverify.CauseKeyTooSmall:          {"dkim.key-too-small", "Sign with a 2048-bit RSA key under a new selector.", checks.SeverityFail},
		dkimverify.CauseDNSTemporary:         {"dkim.key-lookup-failed", "Run the check again; if it persists, fix the name servers of the selector's domain.", checks.SeverityWarn},
		dkimverify.CauseBodyHashMismatch:     {"dkim.body-hash-mismatch", "The body changed after signing: look for a footer, a content filter or a line-ending or charset rewrite on the way, or sign after them.", checks.SeverityFail},
		dkimverify.CauseBodyTooShort:         {"dkim.body-too-short", "The body lost lines after signing; find what on the way cut it.", checks.SeverityFail},
		dkimverify.CauseSignatureMismatch:    {"dkim.signature-mismatch", "A signed header field changed after signing (a Subject tag, a rewritten From), or the key at the selector is not the one that signed.", checks.SeverityFail},
		dkimverify.CauseBodyUnreadable:       {"dkim.body-unreadable", "Give the message as it was received.", checks.SeverityFail},
	}
}

type causeCode struct {
	code, hint string
	sev        checks.Severity
}

func judgeDKIM(ru *run) checks.Result {
	res := checks.Result{}
	data := &DKIMData{HeaderFrom: ru.from.domain, Signatures: []DKIMSignature{}, NotEvaluated: ru.dkim.NotEvaluated}
	res.Data = data
	adkim := ru.alignment(true)
	codes := causeCodes()
	anyPass, anyAligned, temp := false, false, false
	for _, s := range ru.dkim.Signatures {
		if s.Status == dkimverify.StatusPass {
			anyPass = true
		}
	}
	for _, s := range ru.dkim.Signatures {
		sig := DKIMSignature{
			Domain: s.Domain, Selector: s.Selector, Identity: s.Identity, Algorithm: s.Algorithm,
			Headers: s.Headers, BodyLength: s.BodyLength,
			Result: string(s.Status), Cause: string(s.Cause), Error: s.Error,
			Alignment: adkim.words(), KeyType: s.Facts.KeyType, KeyBits: s.Facts.KeyBits,
			UnsignedOctets: s.Facts.UnsignedOctets,
			FromSigned:     s.Facts.FromSigned, FromOverSigned: s.Facts.FromOverSigned, Field: s.Field,
		}
		if sig.Headers == nil {
			sig.Headers = []string{}
		}
		if s.HeaderCanon != "" {
			sig.Canonicalization = string(s.HeaderCanon) + "/" + string(s.BodyCanon)
		}
		if sig.Error == "" && s.Err != nil {
			sig.Error = checks.Message(s.Err)
		}
		if ru.input.Truncated && (s.Cause == dkimverify.CauseBodyHashMismatch || s.Cause == dkimverify.CauseBodyTooShort) {
			// The reader cut the body: its hash says nothing.
			data.Truncated = true
			sig.Result, sig.Cause = string(dkimverify.StatusNeutral), ""
			sig.Error = "not judged: the message was cut on reading, so the body is not the one signed"
		}
		sig.Aligned = s.Domain != "" && aligned(s.Domain, ru.from.domain, adkim)
		if sig.Aligned && s.Status == dkimverify.StatusPass {
			anyAligned = true
		}
		data.Signatures = append(data.Signatures, sig)
		who := sigName(sig)
		if c, ok := codes[s.Cause]; ok && sig.Cause != "" {
			sev := c.sev
			if anyPass && sev == checks.SeverityFail {
				sev = checks.SeverityWarn
			}
			if s.Cause == dkimverify.CauseDNSTemporary {
				temp = true
			}
			res.Add(finding(c.code, sev, ref6376Verify, c.hint, "the signature %s is %s (%s): %s", who, sig.Result, s.Cause, sig.Error))
		}
		sigFindings(&res, s, who, ru.from.fields > 0)
	}
	switch {
	case len(ru.dkim.Signatures) == 0:
		res.Add(finding("dkim.unsigned", checks.SeverityWarn, "RFC 6376 §6.1; RFC 7489 §4.2",
			"Sign outgoing mail with DKIM for the From domain (relayctl send --dkim-key shows how a signed message looks).",
			"the message has no DKIM-Signature: DMARC can pass on SPF alone, which forwarding breaks"))
	case anyPass && !anyAligned && ru.from.domain != "":
		res.Add(finding("dkim.not-aligned", checks.SeverityWarn, "RFC 7489 §3.1.1",
			"Sign with d= set to the From domain or, in relaxed alignment, its organizational domain.",
			"a signature passes but none is aligned with the From domain %s (adkim=%s): it does not count for DMARC", ru.from.domain, adkim.words()))
	}
	if data.NotEvaluated > 0 {
		res.Add(finding("dkim.not-evaluated", checks.SeverityWarn, ref6376Verify,
			"Find what adds so many signatures; receivers give up on such a message too.",
			"%d DKIM-Signature fields past the first %d were not verified", data.NotEvaluated, dkimverify.DefaultMaxSignatures))
	}
	if data.Truncated {
		res.Add(finding("dkim.body-cut", checks.SeverityWarn, "",
			"Check the message with a tool that reads it whole, or split it out of the mbox.",
			"the message was cut at the input limit (64 MiB), so the body hashes were not judged"))
		if !anyPass {
			res.Fail(checks.NewError(pkg, nil, "the message was cut on reading; its signatures cannot be judged"))
		}
	}
	if ru.unterminated {
		res.Add(finding("dkim.header-unterminated", checks.SeverityWarn, "RFC 5322 §2.1",
			"Give the whole message: the header section must end with an empty line.",
			"the header section does not end with an empty line: the message may be cut, and a failed body hash may not be real"))
	}
	if temp && !anyPass {
		res.Status = checks.StatusError
		res.Error = "a key lookup failed temporarily"
	}
	res.Summary = dkimSummary(data)
	return res
}

// sigFindings are the findings about a signature beyond its result.
func sigFindings(res *checks.Result, s dkimverify.SignatureResult, who string, hasFrom bool) {
	if s.Signature == nil {
		return
	}
	if s.Facts.SHA1 {
		res.Add(finding("dkim.sha1-signature", checks.SeverityFail, ref8301+".1",
			"Sign with rsa-sha256 (or ed25519-sha256).",
			"the signature %s uses rsa-sha1, which verifiers must not accept (RFC 8301 §3.1)", who))
	}
	if s.Facts.KeyType == "rsa" && s.Facts.KeyBits >= dkimverify.MinRSABits && s.Facts.KeyBits < 2048 {
		res.Add(finding("dkim.key-under-2048", checks.SeverityWarn, ref8301+".2",
			"Sign with a 2048-bit RSA key under a new selector.",
			"the signature %s uses a %d-bit RSA key; RFC 8301 §3.2 asks for at least 2048", who, s.Facts.KeyBits))
	}
	if s.Facts.UnsignedOctets > 0 {
		res.Add(finding("dkim.body-length-unsigned", checks.SeverityWarn, "RFC 6376 §8.2",
			"Sign without l=: with it, anyone can append content that still passes.",
			"the signature %s signs only the first %d octets of the body (l=); %d octets after them are unsigned", who, *s.BodyLength, s.Facts.UnsignedOctets))
	}
	// A signature whose h= leaves out From is refused by the parser
	// (RFC 6376 §5.4: dkim.signature-syntax says so); one that covers it
	// may still leave room for a second From.
	if hasFrom && s.Facts.FromSigned && !s.Facts.FromOverSigned {
		res.Add(finding("dkim.from-not-oversigned", checks.SeverityInfo, "RFC 6376 §8.15",
			"Name From in h= once more than the message has From fields, so that a From added later breaks the signature.",
			"the signature %s does not over-sign From: a second From field added on the way would leave it valid", who))
	}
	if s.Facts.KeyTesting {
		res.Add(finding("dkim.key-testing", checks.SeverityInfo, "RFC 6376 §3.6.1",
			"Remove t=y from the key record once signing works.",
			"the key of %s is in test mode (t=y): verifiers may treat the message as unsigned", who))
	}
	if s.Facts.Future {
		res.Add(finding("dkim.timestamp-future", checks.SeverityInfo, "RFC 6376 §3.5",
			"Fix the signer's clock.",
			"the signature %s is dated in the future (t=)", who))
	}
}

func sigName(s DKIMSignature) string {
	if s.Domain == "" {
		return fmt.Sprintf("in header field %d", s.Field+1)
	}
	return fmt.Sprintf("d=%s s=%s", s.Domain, s.Selector)
}

func dkimSummary(d *DKIMData) string {
	if len(d.Signatures) == 0 {
		return "no DKIM signature"
	}
	counts := map[string]int{}
	var order []string
	for _, s := range d.Signatures {
		r := s.Result
		if s.Result == string(dkimverify.StatusPass) && s.Aligned {
			r = "pass (aligned)"
		}
		if counts[r] == 0 {
			order = append(order, r)
		}
		counts[r]++
	}
	parts := make([]string, len(order))
	for i, r := range order {
		parts[i] = fmt.Sprintf("%d %s", counts[r], r)
	}
	noun := "signatures"
	if len(d.Signatures) == 1 {
		noun = "signature"
	}
	return fmt.Sprintf("%d %s: %s", len(d.Signatures), noun, strings.Join(parts, ", "))
}
