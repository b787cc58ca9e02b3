package dkimverify

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dkim"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// MinRSABits is the smallest RSA key a verifier accepts (RFC 8301 §3.2).
const MinRSABits = 1024

// Key is the answer to one key lookup: the record, or why there is none.
type Key struct {
	Name   string
	Record *dkim.KeyRecord
	// TXT is the key record's text as published.
	TXT string
	// Fail is set when no usable record was found: CauseKeyMissing,
	// CauseKeySyntax or CauseDNSTemporary.
	Fail *Failure
}

// LookupKeys asks for every key record in names at once, at most
// concurrency at a time (all of them when concurrency is 0), and returns
// the answers by name. The DNS layer's cache merges repeated names.
func LookupKeys(ctx context.Context, r dnsx.Resolver, names []string, concurrency int) map[string]*Key {
	out := make(map[string]*Key, len(names))
	var uniq []string
	for _, n := range names {
		if _, ok := out[n]; !ok {
			out[n] = nil
			uniq = append(uniq, n)
		}
	}
	if concurrency <= 0 {
		concurrency = len(uniq)
	}
	sem := make(chan struct{}, max(concurrency, 1))
	keys := make([]*Key, len(uniq))
	var wg sync.WaitGroup
	for i, n := range uniq {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				keys[i] = &Key{Name: n, Fail: Fail(CauseDNSTemporary, ctx.Err(), "key record %s not looked up", n)}
				return
			}
			keys[i] = lookupKey(ctx, r, n)
		}()
	}
	wg.Wait()
	for i, n := range uniq {
		out[n] = keys[i]
	}
	return out
}

// lookupKey asks for one key record (RFC 6376 §6.1.2 steps 1–5).
func lookupKey(ctx context.Context, r dnsx.Resolver, name string) *Key {
	k := &Key{Name: name}
	txts, ans, err := dnsx.TXT(ctx, r, name)
	if err != nil {
		if dnsx.Temporary(err) {
			k.Fail = Fail(CauseDNSTemporary, err, "key record %s could not be fetched", name)
		} else {
			k.Fail = Fail(CauseKeyMissing, err, "key record %s could not be fetched", name)
		}
		return k
	}
	var keyTXT []string
	for _, t := range txts {
		if dkim.LooksLikeKey(t) {
			keyTXT = append(keyTXT, t)
		}
	}
	if len(keyTXT) == 0 {
		switch {
		case ans.NXDomain():
			k.Fail = Fail(CauseKeyMissing, nil, "no DKIM key record: %s does not exist (NXDOMAIN)", name)
		case len(txts) > 0:
			k.Fail = Fail(CauseKeyMissing, nil, "no DKIM key record at %s: its TXT records are not DKIM keys", name)
		default:
			k.Fail = Fail(CauseKeyMissing, nil, "no DKIM key record at %s: the name has no TXT record", name)
		}
		return k
	}
	// RFC 6376 §3.6.2.2: with several records the verifier may choose
	// one; the first that parses is taken.
	var first error
	for _, t := range keyTXT {
		rec, err := dkim.ParseKey(t)
		if err == nil {
			k.Record, k.TXT = rec, t
			return k
		}
		if first == nil {
			first = err
		}
	}
	k.TXT = keyTXT[0]
	k.Fail = &Failure{Cause: CauseKeySyntax, Err: checks.WrapError("dkimverify", ErrKeySyntax, "key record at "+name+" cannot be read", keyProblems(first))}
	return k
}

// keyProblems renders the key parser's errors in a person's words: the
// dkim package's Errors carry their parts as data.
func keyProblems(err error) error {
	var es dkim.Errors
	if !errors.As(err, &es) {
		return err
	}
	parts := make([]string, len(es))
	for i, e := range es {
		var b strings.Builder
		if e.Col > 0 {
			fmt.Fprintf(&b, "col %d: ", e.Col)
		}
		if e.Tag != "" {
			fmt.Fprintf(&b, "tag %s: ", e.Tag)
		}
		b.WriteString(e.Msg)
		parts[i] = b.String()
	}
	return errors.New(strings.Join(parts, "; "))
}

// CheckKey applies the key record's restrictions to the signature
// (RFC 6376 §6.1.2 steps 6–8, §3.6.1) and RFC 8301's key size.
func CheckKey(s *Signature, k *dkim.KeyRecord) *Failure {
	name := s.KeyName()
	if k.Revoked {
		return Fail(CauseKeyRevoked, nil, "the key at %s is revoked (empty p=)", name)
	}
	if k.KeyType != s.KeyType() {
		return Fail(CauseKeyMismatch, nil, "the key at %s is k=%s, the signature a=%s", name, k.KeyType, s.Algorithm)
	}
	if !k.AllowsHash(s.HashName()) {
		return Fail(CauseKeyMismatch, nil, "the key at %s allows h=%s, not %s", name, strings.Join(k.HashAlgs, ":"), s.HashName())
	}
	if !k.ForEmail() {
		return Fail(CauseKeyMismatch, nil, "the key at %s is for services s=%s, not email", name, strings.Join(k.Services, ":"))
	}
	if s.Kind == KindDKIM && k.HasFlag("s") {
		// t=s: the i= domain must be d= itself, not a subdomain.
		_, dom, _ := strings.Cut(s.Identity, "@")
		if !strings.EqualFold(strings.TrimSuffix(dom, "."), s.Domain) {
			return Fail(CauseKeyMismatch, nil, "the key at %s has t=s, so i= must be in d=%s itself, not %s", name, s.Domain, dom)
		}
	}
	if pk, ok := k.PublicKey.(*rsa.PublicKey); ok && pk.N.BitLen() < MinRSABits {
		return Fail(CauseKeyTooSmall, nil, "the key at %s has %d bits; verifiers refuse RSA keys under %d (RFC 8301 §3.2)", name, pk.N.BitLen(), MinRSABits)
	}
	return nil
}
