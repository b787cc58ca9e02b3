// Package dkimverify verifies the DKIM signatures of a received message
// (DomainKeys Identified Mail, RFC 6376; Ed25519 by RFC 8463; key sizes
// and SHA-1 by RFC 8301): it parses every DKIM-Signature field, fetches
// the keys through dnsx in one concurrent round, hashes the body once
// per canonicalization as it streams, and gives each signature an
// RFC 8601 result with a typed cause. The arc package verifies
// ARC-Message-Signatures with the same parser, canonicalization and
// verification.
//
// Limits: the header section is read up to MaxHeaderBytes; the first
// Options.MaxSignatures DKIM-Signature fields are verified and the rest
// counted as not evaluated; the body is never held in memory: Verify
// reads it once, hashing every canonicalization as it streams (the arc
// package reads it once more for the AMSs).
//
// go-msgauth's dkim package is not used to verify: it refuses any
// signature with l=, keeps its canonicalization unexported, and reads
// keys through its own resolver. Its signer is used in tests.
package dkimverify

import (
	"context"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dkim"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Defaults of Options.
const (
	// DefaultMaxSignatures is how many DKIM-Signature fields are verified;
	// the rest are counted as not evaluated.
	DefaultMaxSignatures = 32
	// DefaultConcurrency is how many key lookups are in flight at once:
	// as many as signatures verified, so they all go out together.
	DefaultConcurrency = DefaultMaxSignatures
)

// Options tune Verify.
type Options struct {
	// Now is the time x= is compared with; time.Now() when zero.
	Now time.Time
	// MaxSignatures bounds the signatures verified (the first ones, top
	// of the header down); DefaultMaxSignatures when zero.
	MaxSignatures int
	// Concurrency bounds the key lookups at once; DefaultConcurrency when
	// zero.
	Concurrency int
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// Facts are what a check turns into findings about a signature.
type Facts struct {
	// SHA1: a=rsa-sha1, which RFC 8301 §3.1 forbids.
	SHA1 bool `json:"sha1,omitempty"`
	// KeyType and KeyBits describe the key (bits 256 for Ed25519).
	KeyType string `json:"key_type,omitempty"`
	KeyBits int    `json:"key_bits,omitempty"`
	// KeyTesting: the key has t=y (RFC 6376 §3.6.1).
	KeyTesting bool `json:"key_testing,omitempty"`
	// BodyOctets is the length of the canonicalized body.
	BodyOctets int64 `json:"body_octets"`
	// UnsignedOctets is what l= leaves unsigned at the end of the
	// canonicalized body: anyone can append that much (RFC 6376 §8.2).
	UnsignedOctets int64 `json:"unsigned_octets,omitempty"`
	// Future: t= is after Now (RFC 6376 §3.5 allows ignoring such a
	// signature; it is still verified).
	Future bool `json:"future,omitempty"`
	HeaderFacts
}

// SignatureResult is the verdict on one signature.
type SignatureResult struct {
	// Field is the index of the signature's field in Message.Header.
	Field       int      `json:"field"`
	Domain      string   `json:"domain,omitempty"`
	Selector    string   `json:"selector,omitempty"`
	Identity    string   `json:"identity,omitempty"`
	Algorithm   string   `json:"algorithm,omitempty"`
	HeaderCanon Canon    `json:"header_canon,omitempty"`
	BodyCanon   Canon    `json:"body_canon,omitempty"`
	Headers     []string `json:"headers,omitempty"`
	// BodyLength is l=, nil when absent.
	BodyLength *int64 `json:"body_length,omitempty"`
	Status     Status `json:"result"`
	Cause      Cause  `json:"cause,omitempty"`
	// Err says what went wrong (nil on pass); Error is its text for a
	// person.
	Err   error  `json:"-"`
	Error string `json:"error,omitempty"`
	Facts Facts  `json:"facts"`
	// Signature is the parsed field (nil when it could not be parsed);
	// Key the key record used.
	Signature *Signature      `json:"-"`
	Key       *dkim.KeyRecord `json:"-"`
}

func (r *SignatureResult) setFailure(f *Failure) {
	if f == nil {
		r.Status, r.Cause, r.Err, r.Error = StatusPass, CauseNone, nil, ""
		return
	}
	r.Status, r.Cause, r.Err, r.Error = f.Cause.Status(), f.Cause, f, checks.Message(f)
}

// Result is the verdict on every DKIM signature of a message.
type Result struct {
	Signatures []SignatureResult `json:"signatures"`
	// NotEvaluated counts the DKIM-Signature fields past MaxSignatures,
	// left unverified; NotEvaluatedFields are their indexes.
	NotEvaluated       int   `json:"not_evaluated,omitempty"`
	NotEvaluatedFields []int `json:"-"`
}

// FailureOf is the Failure a parse error from ParseSignature stands for:
// CauseUnsupportedAlgorithm when every problem is an unknown algorithm,
// else CauseSyntax.
func FailureOf(err error) *Failure {
	es, ok := err.(SyntaxErrors)
	cause := CauseSyntax
	if ok && len(es) > 0 {
		cause = CauseUnsupportedAlgorithm
		for _, e := range es {
			if e.Err != ErrUnsupportedAlgorithm {
				cause = CauseSyntax
			}
		}
	}
	return &Failure{Cause: cause, Err: err}
}

// Verify verifies the DKIM-Signature fields of msg (RFC 6376 §6.1). It
// reads msg.Body once. Every key lookup goes out together, while the
// body is hashed.
func Verify(ctx context.Context, r dnsx.Resolver, msg *Message, opts Options) Result {
	maxSigs := opts.MaxSignatures
	if maxSigs <= 0 {
		maxSigs = DefaultMaxSignatures
	}
	conc := opts.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	now := opts.now()
	var res Result
	var sigs []*Signature // parallel to res.Signatures; nil when done
	for i, f := range msg.Header {
		if !f.Is("DKIM-Signature") {
			continue
		}
		if len(res.Signatures) >= maxSigs {
			res.NotEvaluated++
			res.NotEvaluatedFields = append(res.NotEvaluatedFields, i)
			continue
		}
		sr := SignatureResult{Field: i}
		s, err := ParseSignature(f, KindDKIM)
		if err != nil {
			sr.setFailure(FailureOf(err))
			s = nil
		} else {
			sr.describe(s, now)
			sr.Facts.HeaderFacts = s.HeaderFacts(msg.Header)
			if f := s.Expired(now); f != nil {
				sr.setFailure(f)
				s = nil
			}
		}
		res.Signatures = append(res.Signatures, sr)
		sigs = append(sigs, s)
	}
	var names []string
	var reqs []BodyReq
	for _, s := range sigs {
		if s != nil {
			names = append(names, s.KeyName())
			reqs = append(reqs, s.BodyReq())
		}
	}
	if len(names) == 0 {
		return res
	}
	keysc := make(chan map[string]*Key, 1)
	go func() { keysc <- LookupKeys(ctx, r, names, conc) }()
	hashes, herr := HashBody(ctx, msg.BodyReader(), reqs)
	keys := <-keysc
	j := 0
	for i, s := range sigs {
		if s == nil {
			continue
		}
		sr := &res.Signatures[i]
		k := keys[s.KeyName()]
		var bh BodyHash
		if herr == nil {
			bh = hashes[j]
		}
		j++
		switch {
		case k.Fail != nil:
			sr.setFailure(k.Fail)
		case herr != nil:
			sr.setFailure(Fail(CauseBodyUnreadable, herr, "the body could not be read"))
		default:
			sr.Key = k.Record
			sr.Facts.KeyType, sr.Facts.KeyBits, sr.Facts.KeyTesting = k.Record.KeyType, k.Record.Bits, k.Record.HasFlag("y")
			sr.Facts.BodyOctets = bh.Octets
			if s.BodyLength >= 0 && bh.Octets > s.BodyLength {
				sr.Facts.UnsignedOctets = bh.Octets - s.BodyLength
			}
			sr.setFailure(s.Check(msg.Header, msg.Header[sr.Field], k.Record, bh))
		}
	}
	return res
}

// describe copies what the signature says into the result.
func (r *SignatureResult) describe(s *Signature, now time.Time) {
	r.Signature = s
	r.Domain, r.Selector, r.Identity, r.Algorithm = s.Domain, s.Selector, s.Identity, s.Algorithm
	r.HeaderCanon, r.BodyCanon, r.Headers = s.HeaderCanon, s.BodyCanon, s.Headers
	if s.BodyLength >= 0 {
		l := s.BodyLength
		r.BodyLength = &l
	}
	r.Facts.SHA1 = s.Algorithm == RSASHA1
	r.Facts.Future = !s.Timestamp.IsZero() && s.Timestamp.After(now)
}

// Expired returns the failure of a signature whose x= is before now, or
// nil: an expired signature is not verified (RFC 6376 §6.1.1).
func (s *Signature) Expired(now time.Time) *Failure {
	if s.Expiration.IsZero() || !s.Expiration.Before(now) {
		return nil
	}
	return Fail(CauseExpired, nil, "the signature expired at %s (x=)", s.Expiration.Format(time.RFC3339))
}
