// Package arc validates a received message's Authenticated Received
// Chain (ARC, RFC 8617): it groups the ARC-Seal, ARC-Message-Signature
// and ARC-Authentication-Results fields into sets by instance, checks
// the chain's structure, verifies every AMS with the dkimverify package
// (the same parser, canonicalization and signature code as DKIM) and
// every seal over the sets before it (§5.1.1), and gives the chain
// validation status of §5.2 with the instance where the chain broke.
//
// go-msgauth has no ARC verifier; this one is our own.
package arc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Status is the chain validation status (RFC 8617 §4.4, §5.2).
type Status string

const (
	StatusNone Status = "none" // no ARC sets
	StatusPass Status = "pass"
	StatusFail Status = "fail"
)

// Cause says why a chain failed.
type Cause string

const (
	CauseNone Cause = ""
	// The newest seal records cv=fail (§5.2 step 2).
	CauseRecordedFail Cause = "recorded-fail"
	// A set is incomplete or repeated, the instances have gaps, a field
	// cannot be read, an instance is outside 1 to 50 (so more than 50
	// sets, §5.2 step 1, land here too), or a cv= is not what its place
	// requires (§5.2 step 3, §4.1).
	CauseStructure Cause = "structure"
	// The newest AMS does not verify (§5.2 step 4).
	CauseAMS Cause = "ams-failed"
	// A seal does not verify (§5.2 step 6).
	CauseSeal Cause = "seal-failed"
)

// Sentinels for errors.Is on Result.Err.
var (
	ErrRecordedFail = errors.New("arc: the newest ARC-Seal records cv=fail")
	ErrStructure    = errors.New("arc: broken chain structure")
	ErrAMS          = errors.New("arc: ARC-Message-Signature does not verify")
	ErrSeal         = errors.New("arc: ARC-Seal does not verify")
)

var causeErr = map[Cause]error{
	CauseRecordedFail: ErrRecordedFail,
	CauseStructure:    ErrStructure,
	CauseAMS:          ErrAMS,
	CauseSeal:         ErrSeal,
}

// Verdict is the result of verifying one AMS or seal.
type Verdict struct {
	Domain   string            `json:"domain,omitempty"`
	Selector string            `json:"selector,omitempty"`
	Status   dkimverify.Status `json:"result"`
	Cause    dkimverify.Cause  `json:"cause,omitempty"`
	Err      error             `json:"-"`
	Error    string            `json:"error,omitempty"`
	// KeyBits is the size of the key used, when one was found.
	KeyBits int `json:"key_bits,omitempty"`
}

func (v *Verdict) set(f *dkimverify.Failure) {
	if f == nil {
		v.Status, v.Cause, v.Err, v.Error = dkimverify.StatusPass, dkimverify.CauseNone, nil, ""
		return
	}
	v.Status, v.Cause, v.Err, v.Error = f.Cause.Status(), f.Cause, f, checks.Message(f)
}

// Hop is one ARC set: what the intermediary at that instance claimed and
// whether its signatures hold.
type Hop struct {
	Instance int `json:"instance"`
	// AMS and Seal are nil when the set has no such field, or when the
	// chain failed before they were verified.
	AMS  *Verdict `json:"ams,omitempty"`
	Seal *Verdict `json:"seal,omitempty"`
	// CV is the chain status the seal recorded.
	CV ChainStatus `json:"cv,omitempty"`
	// Results is the ARC-Authentication-Results payload after "i=N;",
	// as written (RFC 8601 syntax, not parsed here).
	Results string `json:"results,omitempty"`
	// Fields are the indexes in the message header of the set's
	// fields, AAR, AMS, seal; -1 for one missing.
	Fields [3]int `json:"-"`
}

// Result is the validation of a message's ARC chain.
type Result struct {
	Status Status `json:"cv"`
	// Instances is the highest instance (N) found.
	Instances int `json:"instances"`
	// FailedInstance is the set where the chain broke (0 when it did not,
	// or when the failure is of the chain as a whole).
	FailedInstance int    `json:"failed_instance,omitempty"`
	Cause          Cause  `json:"cause,omitempty"`
	Err            error  `json:"-"`
	Error          string `json:"error,omitempty"`
	// Temporary: the failure comes from a DNS failure that may pass.
	Temporary bool `json:"temporary,omitempty"`
	// OldestPass is the lowest instance whose AMS, and every newer one,
	// verifies; 0 when all do (RFC 8617 §5.2 step 5).
	OldestPass int   `json:"oldest_pass"`
	Hops       []Hop `json:"hops,omitempty"`
}

func (r *Result) fail(c Cause, instance int, cause error, format string, args ...any) {
	r.Status, r.Cause, r.FailedInstance = StatusFail, c, instance
	r.Err = checks.WrapError("arc", causeErr[c], fmt.Sprintf(format, args...), cause)
	r.Error = checks.Message(r.Err)
}

// Options tune Validate.
type Options struct {
	// Now is the time an AMS x= is compared with; time.Now() when zero.
	Now time.Time
	// Concurrency bounds the key lookups at once; all of them when zero.
	Concurrency int
}

// set is the fields of one instance as found: header indexes.
type set struct {
	aar, ams, seal []int
}

// chain is a message's ARC sets on the way through Validate.
type chain struct {
	header []dkimverify.Field
	sets   map[int]*set
	n      int     // the highest instance
	seals  []*Seal // by instance, once the structure is checked
}

// Validate validates the ARC chain of msg (RFC 8617 §5.2). Every AMS and
// seal key is asked for at once while the body is hashed, in one pass
// over the body for all AMSs.
func Validate(ctx context.Context, r dnsx.Resolver, msg *dkimverify.Message, opts Options) Result {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	var res Result
	c, aar, err := collect(msg.Header)
	if err != nil {
		res.fail(CauseStructure, 0, err, "an ARC field's instance cannot be read")
		return res
	}
	if c.n == 0 {
		res.Status = StatusNone
		return res
	}
	res.Instances = c.n
	for i := 1; i <= c.n; i++ {
		hop := Hop{Instance: i, Fields: [3]int{-1, -1, -1}, Results: aar[i]}
		if s := c.sets[i]; s != nil {
			for k, l := range [][]int{s.aar, s.ams, s.seal} {
				if len(l) > 0 {
					hop.Fields[k] = l[0]
				}
			}
		}
		res.Hops = append(res.Hops, hop)
	}
	if !c.checkStructure(&res) {
		return res
	}
	seals := c.verify(ctx, r, msg, now, opts.Concurrency, &res)
	// Step 4: the newest AMS must verify.
	if v := res.Hops[c.n-1].AMS; v.Status != dkimverify.StatusPass {
		res.fail(CauseAMS, c.n, v.Err, "the ARC-Message-Signature of set %d does not verify", c.n)
		res.Temporary = v.Status == dkimverify.StatusTemperror
		return res
	}
	// Step 5: oldest-pass.
	for i := c.n - 1; i >= 1; i-- {
		if res.Hops[i-1].AMS.Status != dkimverify.StatusPass {
			res.OldestPass = i + 1
			break
		}
	}
	// Step 6: every seal, newest first.
	for i := c.n; i >= 1; i-- {
		if v := seals[i]; v.Status != dkimverify.StatusPass {
			res.fail(CauseSeal, i, v.Err, "the ARC-Seal of set %d does not verify", i)
			res.Temporary = v.Status == dkimverify.StatusTemperror
			return res
		}
	}
	res.Status = StatusPass
	return res
}

// collect groups the ARC fields into sets by instance (RFC 8617 §5.2
// step 1) and returns each AAR's payload by instance. A field whose
// instance cannot be read is an error: it breaks the structure (step 3).
func collect(header []dkimverify.Field) (*chain, map[int]string, error) {
	c := &chain{header: header, sets: map[int]*set{}}
	aar := map[int]string{}
	get := func(i int) *set {
		if c.sets[i] == nil {
			c.sets[i] = &set{}
		}
		c.n = max(c.n, i)
		return c.sets[i]
	}
	for idx, f := range header {
		switch {
		case f.Is(FieldSeal):
			n, err := instanceOf(f, FieldSeal)
			if err != nil {
				return nil, nil, err
			}
			s := get(n)
			s.seal = append(s.seal, idx)
		case f.Is(FieldAMS):
			n, err := instanceOf(f, FieldAMS)
			if err != nil {
				return nil, nil, err
			}
			s := get(n)
			s.ams = append(s.ams, idx)
		case f.Is(FieldResults):
			n, text, err := ParseResultsInstance(f)
			if err != nil {
				return nil, nil, err
			}
			s := get(n)
			s.aar = append(s.aar, idx)
			aar[n] = text
		}
	}
	return c, aar, nil
}

// checkStructure applies §5.2 steps 2 and 3: every instance from 1 to N
// with one field of each kind, every seal readable, the newest not
// cv=fail, the first cv=none and the rest cv=pass. It records the
// failure in res and returns false when the chain fails.
func (c *chain) checkStructure(res *Result) bool {
	c.seals = make([]*Seal, c.n+1)
	for i := 1; i <= c.n; i++ {
		s := c.sets[i]
		if s == nil {
			res.fail(CauseStructure, i, nil, "no ARC set with instance %d: the instances must run from 1 to %d without gaps (RFC 8617 §5.2 step 3)", i, c.n)
			return false
		}
		for _, f := range []struct {
			name string
			l    []int
		}{{FieldResults, s.aar}, {FieldAMS, s.ams}, {FieldSeal, s.seal}} {
			if len(f.l) != 1 {
				res.fail(CauseStructure, i, nil, "ARC set %d has %d %s fields, want exactly one (RFC 8617 §5.2 step 3)", i, len(f.l), f.name)
				return false
			}
		}
		seal, err := ParseSeal(c.header[s.seal[0]])
		if err != nil {
			res.fail(CauseStructure, i, err, "the ARC-Seal of set %d cannot be read", i)
			return false
		}
		c.seals[i] = seal
		res.Hops[i-1].CV = seal.CV
		res.Hops[i-1].Seal = &Verdict{Domain: seal.Domain, Selector: seal.Selector}
	}
	// Step 2: a chain already failed stays failed.
	if c.seals[c.n].CV == CVFail {
		res.fail(CauseRecordedFail, c.n, nil, "the ARC-Seal of set %d records cv=fail: an earlier intermediary found the chain broken", c.n)
		return false
	}
	for i := 1; i <= c.n; i++ {
		want := CVPass
		if i == 1 {
			want = CVNone
		}
		if c.seals[i].CV != want {
			res.fail(CauseStructure, i, nil, "the ARC-Seal of set %d has cv=%s, want cv=%s (RFC 8617 §5.2 step 3)", i, c.seals[i].CV, want)
			return false
		}
	}
	return true
}

// verify checks every AMS and every seal, filling in the hops' verdicts:
// all keys asked for at once while the body is hashed for every AMS in
// one pass. It returns the seal verdicts by instance.
func (c *chain) verify(ctx context.Context, r dnsx.Resolver, msg *dkimverify.Message, now time.Time, concurrency int, res *Result) []*Verdict {
	amss := make([]*dkimverify.Signature, c.n+1)
	amsFail := make([]*dkimverify.Failure, c.n+1)
	var names []string
	var reqs []dkimverify.BodyReq
	for i := 1; i <= c.n; i++ {
		// An AMS that cannot be read fails as a signature: it matters
		// only when it is the newest (step 4) or for oldest-pass.
		s, err := ParseAMS(c.header[c.sets[i].ams[0]])
		if err != nil {
			amsFail[i] = dkimverify.FailureOf(err)
			continue
		}
		if f := s.Expired(now); f != nil {
			amsFail[i] = f
			continue
		}
		amss[i] = s
		names = append(names, s.KeyName())
		reqs = append(reqs, s.BodyReq())
	}
	for i := 1; i <= c.n; i++ {
		names = append(names, c.seals[i].KeyName())
	}
	keysc := make(chan map[string]*dkimverify.Key, 1)
	go func() { keysc <- dkimverify.LookupKeys(ctx, r, names, concurrency) }()
	hashes, herr := dkimverify.HashBody(ctx, msg.BodyReader(), reqs)
	keys := <-keysc

	j := 0
	for i := 1; i <= c.n; i++ {
		v := &Verdict{}
		res.Hops[i-1].AMS = v
		s := amss[i]
		if s == nil {
			v.set(amsFail[i])
			continue
		}
		v.Domain, v.Selector = s.Domain, s.Selector
		k := keys[s.KeyName()]
		switch {
		case k.Fail != nil:
			v.set(k.Fail)
		case herr != nil:
			v.set(dkimverify.Fail(dkimverify.CauseBodyUnreadable, herr, "the body could not be read"))
		default:
			v.KeyBits = k.Record.Bits
			v.set(s.Check(c.header, c.header[c.sets[i].ams[0]], k.Record, hashes[j]))
		}
		j++
	}
	seals := make([]*Verdict, c.n+1)
	for i := 1; i <= c.n; i++ {
		v := res.Hops[i-1].Seal
		k := keys[c.seals[i].KeyName()]
		v.set(verifySeal(c.header, c.sets, c.seals, i, k))
		if k.Record != nil {
			v.KeyBits = k.Record.Bits
		}
		seals[i] = v
	}
	return seals
}

// verifySeal verifies the seal of set i over sets 1 to i: each set's
// AAR, AMS and seal in relaxed canonical form, the seal's own b= emptied
// and its CRLF left off (RFC 8617 §5.1.1).
func verifySeal(header []dkimverify.Field, sets map[int]*set, seals []*Seal, i int, k *dkimverify.Key) *dkimverify.Failure {
	if k.Fail != nil {
		return k.Fail
	}
	seal := seals[i]
	sig := &dkimverify.Signature{Kind: dkimverify.KindAMS, Algorithm: seal.Algorithm, Domain: seal.Domain, Selector: seal.Selector}
	if f := dkimverify.CheckKey(sig, k.Record); f != nil {
		return f
	}
	var data []byte
	for m := 1; m <= i; m++ {
		s := sets[m]
		data = dkimverify.CanonHeader(data, dkimverify.Relaxed, header[s.aar[0]].Raw)
		data = dkimverify.CanonHeader(data, dkimverify.Relaxed, header[s.ams[0]].Raw)
		raw := header[s.seal[0]].Raw
		if m == i {
			raw = dkimverify.StripTag(raw, "b")
		}
		data = dkimverify.CanonHeader(data, dkimverify.Relaxed, raw)
	}
	data = data[:len(data)-2]
	if !dkimverify.VerifyData(seal.Algorithm, k.Record, data, seal.Sig) {
		return dkimverify.Fail(dkimverify.CauseSignatureMismatch, nil, "the seal b= does not verify with the key at %s: an ARC field of sets 1 to %d was changed", seal.KeyName(), i)
	}
	return nil
}
