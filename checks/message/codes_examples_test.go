package message

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha1" // crypto.SHA1 for rsa-sha1
	_ "crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"maps"
	"math/big"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
	"github.com/relayctl/relayctl/checks/spamd"
)

// An example of Codes is checked by building the message it describes
// and running Check on it offline. The base is the passing message of
// TestPass with a signed one-click unsubscribe: from 192.0.2.10
// (mail.example.com, PTR confirmed) over ESMTPS, signed d=example.com
// s=s1 relaxed/relaxed with From over-signed, SPF and DMARC passing.
// Each backquoted piece of the example changes it:
//
//   - `Name: value`, a header field: the Nth such piece replaces the Nth
//     field of that name as received (after signing), or is added on top;
//   - `a=…; l=…` (tags a d s h l t x), what the signer signs with;
//   - `owner TYPE data`, a DNS record: it replaces the base's records of
//     that owner and type; `p=PREFIX…` in a DKIM key is a key the test
//     makes, whose base64 must start with PREFIX (`p=…` alone: any key
//     of the record's k=), and the signer signs with it when its type fits;
//   - `dig NAME TYPE` then `status: NXDOMAIN` (the name's records are
//     taken out) or `status: SERVFAIL` (the loopback server fails it);
//   - `--now`, `--ip`, `--mail-from`, `--helo`, `--authserv-id`, `--bulk`;
//   - for spamd, `Spam: …` is its verdict and `PTS NAME description` a row
//     of its rule table (a fake spamd on loopback answers with them).
//
// A piece-driven example is also run without its pieces, which must not
// give the code: the pieces, not the base, make the finding.
type exampleCase struct {
	// unsigned: the base has no DKIM signature; noList: no List-Unsubscribe
	// fields; chain: the base is testdata's three-hop ARC chain.
	unsigned, noList, chain bool
	// drop are header fields taken out of the base (after signing).
	drop []string
	// body says what a piece that is none of the above is: a line the
	// body gains after signing ("append") or loses ("remove").
	body string
	// situation: the example is not read; the case's own settings build
	// what it describes, and no run without pieces is made.
	situation bool
	// edit changes the message as received; truncated marks it cut by
	// the input reader; spamd runs a fake spamd.
	edit      func(raw string) string
	truncated bool
	spamd     bool
}

// exampleCases are the codes whose examples the test builds.
var exampleCases = map[string]exampleCase{
	"dkim.unsigned":              {situation: true, unsigned: true},
	"dkim.signature-syntax":      {},
	"dkim.algorithm-unsupported": {},
	"dkim.signature-expired":     {},
	"dkim.key-missing":           {},
	"dkim.revoked-key":           {},
	"dkim.key-unreadable":        {},
	"dkim.key-mismatch":          {},
	"dkim.key-too-small":         {},
	"dkim.key-lookup-failed":     {},
	"dkim.body-hash-mismatch":    {body: "append"},
	"dkim.body-too-short":        {body: "remove"},
	"dkim.signature-mismatch":    {},
	"dkim.sha1-signature":        {},
	"dkim.key-under-2048":        {},
	"dkim.body-length-unsigned":  {body: "append"},
	"dkim.from-not-oversigned":   {},
	"dkim.key-testing":           {},
	"dkim.timestamp-future":      {},
	"dkim.not-aligned":           {},
	"dkim.not-evaluated": {situation: true, edit: func(raw string) string {
		// 40 signatures: the base's and 39 copies of it.
		i := strings.Index(raw, "DKIM-Signature:")
		j := i + strings.Index(raw[i:], "\r\nList-Unsubscribe:") + 2
		return raw[:i] + strings.Repeat(raw[i:j], 40) + raw[j:]
	}},
	"dkim.body-cut": {situation: true, truncated: true, edit: func(raw string) string { return raw[:len(raw)-10] }},
	"dkim.header-unterminated": {situation: true, edit: func(raw string) string {
		head, _, _ := strings.Cut(raw, "\r\n\r\n")
		return head + "\r\n"
	}},

	"spf.not-evaluated":    {situation: true, drop: []string{"Received", "Return-Path"}},
	"spf.fail":             {},
	"spf.softfail":         {},
	"spf.neutral":          {},
	"spf.none":             {},
	"spf.permerror":        {},
	"spf.temperror":        {},
	"spf.not-aligned":      {},
	"spf.helo-fail":        {},
	"spf.receiver-differs": {},

	"dmarc.no-from":         {situation: true, drop: []string{"From"}},
	"dmarc.multiple-from":   {},
	"dmarc.no-from-domain":  {},
	"dmarc.no-policy":       {},
	"dmarc.policy-unusable": {},
	"dmarc.fail":            {unsigned: true},

	"arc.fail":      {chain: true},
	"arc.temperror": {chain: true},

	"authres.unreadable": {},
	"authres.disagree":   {},
	"authres.untrusted":  {},

	"hops.none":       {situation: true, drop: []string{"Received"}},
	"hops.hop":        {drop: []string{"Received"}},
	"hops.unparsed":   {},
	"hops.slowest":    {drop: []string{"Received"}},
	"hops.slow":       {},
	"hops.clock-skew": {},
	"hops.clear-hop": {situation: true, edit: func(raw string) string {
		// In over TLS, on in clear, delivered over TLS.
		path := "Received: from relay.example.com (relay.example.com [198.51.100.7]) by mx.example.net with ESMTPS id c3; Tue, 1 Dec 2026 10:00:05 +0000\r\n" +
			"Received: from gw.example.com (gw.example.com [192.0.2.20]) by relay.example.com with ESMTP id b2; Tue, 1 Dec 2026 10:00:03 +0000\r\n" +
			"Received: from mail.example.com (mail.example.com [192.0.2.10]) by gw.example.com with ESMTPS id a1; Tue, 1 Dec 2026 10:00:01 +0000\r\n"
		return replaceField(raw, "Received", path)
	}},
	"hops.total": {drop: []string{"Date"}},

	"bulk.spf":                {},
	"bulk.dkim":               {},
	"bulk.dmarc":              {},
	"bulk.dmarc-alignment":    {},
	"bulk.ptr":                {},
	"bulk.tls":                {},
	"bulk.headers":            {},
	"bulk.impersonation":      {},
	"bulk.unsubscribe":        {},
	"bulk.one-click":          {},
	"bulk.one-click-unsigned": {noList: true},
	"bulk.not-judged":         {},

	"spamd.spam":  {spamd: true},
	"spamd.score": {spamd: true},
	"spamd.rule":  {spamd: true},
	"spamd.not-scanned": {situation: true, spamd: true, edit: func(raw string) string {
		return raw + strings.Repeat("a PDF attachment, base64-encoded, line after line of it\r\n", 12000)
	}},
	"spamd.not-run": {situation: true},
}

// exampleSituations are the codes whose examples the test cannot build,
// and why.
var exampleSituations = map[string]string{
	"dkim.body-unreadable": "a read error while hashing the body; a message held in memory reads whole",
}

func TestCodeExamples(t *testing.T) {
	for _, cd := range Codes() {
		// One or two sentences of why, one case of an example.
		if n, m := utf8.RuneCountInString(cd.Why), utf8.RuneCountInString(cd.Example); n == 0 || m == 0 || n > 230 || m > 210 {
			t.Errorf("%s: why has %d characters, example %d (want 1 to about 220 and 200)", cd.Code, n, m)
		}
	}
	// The spam check reports spamd's own codes: their examples (spamd's
	// table) run through check message too.
	codetest.Examples(t, slices.Concat(Codes(), spamd.Codes()), exampleSituations, func(t *testing.T, cd checks.CodeDoc) {
		c, ok := exampleCases[cd.Code]
		if !ok {
			t.Fatalf("%s: its example is neither checked nor listed as a situation: %q", cd.Code, cd.Example)
		}
		pieces := codetest.Backquoted(cd.Example)
		if c.situation {
			pieces = nil
		} else if len(pieces) == 0 {
			t.Fatalf("the example has no backquoted input: %q", cd.Example)
		}
		res := runExample(t, cd.Code, c, pieces)
		if !hasCode(res, cd.Code) {
			t.Fatalf("example %q gives %v, not %s", cd.Example, codes(res), cd.Code)
		}
		if c.situation {
			return
		}
		if res := runExample(t, cd.Code, c, nil); hasCode(res, cd.Code) {
			t.Errorf("the base without the example's input already gives %s: %v", cd.Code, res.Findings)
		}
	})
	for code := range exampleCases {
		if _, listed := exampleSituations[code]; listed {
			t.Errorf("%s is both checked and listed as a situation", code)
		}
		if !slices.ContainsFunc(slices.Concat(Codes(), spamd.Codes()), func(c checks.CodeDoc) bool { return c.Code == code }) {
			t.Errorf("exampleCases has %s, which is not a code this test runs", code)
		}
	}
}

// The base the examples change passes everything they test: a run
// without pieces that gives a code says nothing of the pieces only if
// the base is clean. The signer's RSA path passes too.
func TestCodeExamplesBase(t *testing.T) {
	for _, c := range []struct {
		name   string
		pieces []string
		allow  string // the one finding the pieces are there for
	}{
		{"ed25519", nil, ""},
		{"rsa-sha256", []string{"a=rsa-sha256"}, ""},
		{"rsa-sha256, 1024-bit key", []string{"s1._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=MIGfMA0G…\"", "a=rsa-sha256"}, "dkim.key-under-2048"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep := exampleReport(t, exampleCase{}, c.pieces)
			d := result(t, rep, "dkim").Data.(*DKIMData)
			if len(d.Signatures) != 1 || d.Signatures[0].Result != "pass" || !d.Signatures[0].Aligned {
				t.Fatalf("signatures %+v", d.Signatures)
			}
			for _, name := range []string{"dkim", "spf", "dmarc", "arc", "authres", "hops", "bulk"} {
				res := result(t, rep, name)
				for _, f := range res.Findings {
					if f.Code != c.allow && f.Severity != checks.SeverityInfo || f.Code == "dkim.from-not-oversigned" || strings.HasPrefix(f.Code, "bulk.") {
						t.Errorf("%s: %s %s", f.Code, f.Severity, f.Message)
					}
				}
			}
			if b := result(t, rep, "bulk").Data.(*BulkData); len(b.Requirements) != 8 || strings.Contains(fmt.Sprint(b.Requirements), BulkMissed) {
				t.Errorf("bulk %+v", b.Requirements)
			}
		})
	}
}

// scene is the message, zone and options an example describes.
type scene struct {
	c        exampleCase
	tags     map[string]string
	edits    []string // header fields as received
	append   []string // body lines added after signing
	remove   []string
	main     []string // zone records; reverse are the in-addr.arpa ones
	reverse  []string
	keys     map[string]crypto.Signer // owner of a key record → the key made for it
	given    map[string]bool          // owners of the key records the example gives
	nx       []string
	servfail []string
	opts     Options
	spam     string
	rules    []string
}

const baseKey = "s1._domainkey.example.com."

func newScene(c exampleCase) *scene {
	s := &scene{c: c, tags: map[string]string{}, keys: map[string]crypto.Signer{}, given: map[string]bool{}}
	for l := range strings.SplitSeq(strings.TrimSpace(records), "\n") {
		s.main = append(s.main, l)
	}
	for l := range strings.SplitSeq(strings.TrimSpace(strings.TrimPrefix(ptrRecords, zoneSep)), "\n") {
		s.reverse = append(s.reverse, l)
	}
	return s
}

var (
	recordPiece = regexp.MustCompile(`^(\S+) (TXT|A|AAAA|MX|PTR|CNAME) (.+)$`)
	headerPiece = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*): (.*)$`)
	tagsPiece   = regexp.MustCompile(`^[a-z]+=[^;]*(; [a-z]+=[^;]*)*$`)
	rulePiece   = regexp.MustCompile(`^-?[0-9.]+ [A-Z][A-Z0-9_]+ .+$`)
	digPiece    = regexp.MustCompile(`^dig (\S+) [A-Z]+$`)
	flagPiece   = regexp.MustCompile(`^(--[a-z-]+)(?: (\S+))?$`)
)

// apply reads one piece of an example into the scene.
func (s *scene) apply(t *testing.T, p string, lastDig *string) {
	t.Helper()
	switch m := []string(nil); {
	case s.c.spamd && strings.HasPrefix(p, "Spam: "):
		s.spam = strings.TrimPrefix(p, "Spam: ")
	case s.c.spamd && rulePiece.MatchString(p):
		s.rules = append(s.rules, p)
	case strings.HasPrefix(p, "status: "):
		if *lastDig == "" {
			t.Fatalf("%q without a dig before it", p)
		}
		switch strings.TrimPrefix(p, "status: ") {
		case "NXDOMAIN":
			s.nx = append(s.nx, *lastDig)
		case "SERVFAIL":
			s.servfail = append(s.servfail, *lastDig)
		default:
			t.Fatalf("status %q", p)
		}
	case digPiece.MatchString(p):
		*lastDig = dnsx.Fqdn(digPiece.FindStringSubmatch(p)[1])
	case flagPiece.MatchString(p):
		m = flagPiece.FindStringSubmatch(p)
		s.flag(t, m[1], m[2])
	case recordPiece.MatchString(p):
		m = recordPiece.FindStringSubmatch(p)
		s.record(t, dnsx.Fqdn(m[1]), m[2], m[3])
	case headerPiece.MatchString(p):
		s.edits = append(s.edits, p)
	case tagsPiece.MatchString(p):
		for kv := range strings.SplitSeq(p, "; ") {
			k, v, _ := strings.Cut(kv, "=")
			s.tags[k] = v
		}
	case s.c.body == "append":
		s.append = append(s.append, p)
	case s.c.body == "remove":
		s.remove = append(s.remove, p)
	default:
		t.Fatalf("the piece %q is no input the test knows", p)
	}
}

func (s *scene) flag(t *testing.T, name, v string) {
	t.Helper()
	var err error
	switch name {
	case "--now":
		s.opts.Now, err = time.Parse(time.RFC3339, v)
	case "--ip":
		s.opts.IP, err = netip.ParseAddr(v)
	case "--mail-from":
		s.opts.MailFrom, s.opts.MailFromSet = v, true
	case "--helo":
		s.opts.HELO = v
	case "--authserv-id":
		s.opts.AuthServIDs = append(s.opts.AuthServIDs, v)
	case "--bulk":
		s.opts.Bulk = true
	default:
		t.Fatalf("flag %s", name)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", name, v, err)
	}
}

var keyPrefix = regexp.MustCompile(`p=([A-Za-z0-9+/]*)…`)

// record puts a record in the zone in place of the base's records of
// its owner and type; a key's p=PREFIX… becomes a key made for it.
func (s *scene) record(t *testing.T, owner, typ, data string) {
	t.Helper()
	if typ == "TXT" && strings.Contains(owner, "._domainkey.") {
		s.given[owner] = true
	}
	if m := keyPrefix.FindStringSubmatch(data); m != nil {
		k := exampleKey(t, m[1], strings.Contains(data, "k=rsa"))
		data = strings.Replace(data, m[0], "p="+pubBase64(t, k), 1)
		s.keys[owner] = k
	}
	zone := &s.main
	if strings.HasSuffix(owner, ".in-addr.arpa.") {
		zone = &s.reverse
	}
	*zone = slices.DeleteFunc(*zone, func(l string) bool {
		f := strings.Fields(l)
		return len(f) > 3 && strings.EqualFold(f[0], owner) && f[3] == typ
	})
	line := fmt.Sprintf("%s 300 IN %s %s", owner, typ, data)
	if typ == "TXT" && len(data) > 255 {
		line = strings.TrimSuffix(zoneTXT(strings.TrimSuffix(owner, "."), strings.Trim(data, `"`)), "\n")
	}
	*zone = append(*zone, line)
}

var (
	keyMu    sync.Mutex
	keyCache = map[string]crypto.Signer{}
)

// exampleKey is a key whose public half's base64 starts with prefix: an
// RSA key of the size that prefix is the DER start of, or, for an empty
// prefix, any key (RSA when rsa, else Ed25519).
func exampleKey(t *testing.T, prefix string, isRSA bool) crypto.Signer {
	t.Helper()
	sizes := map[string]int{"MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJB": 512, "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ": 1024, "MIIBIjAN": 2048}
	var bits int
	switch {
	case prefix == "" && !isRSA:
		return edKey(t)
	case prefix == "":
		bits = 2048
	default:
		for p, b := range sizes {
			if strings.HasPrefix(p, prefix) || strings.HasPrefix(prefix, p) {
				bits = b
			}
		}
		if bits == 0 {
			t.Fatalf("no key size known for p=%s…", prefix)
		}
	}
	k := rsaKey(t, bits)
	if b := pubBase64(t, k); !strings.HasPrefix(b, prefix) {
		t.Fatalf("a %d-bit key is p=%s…, not p=%s…", bits, b[:len(prefix)], prefix)
	}
	return k
}

// rsaKey is an RSA key of bits, made once per size. Under 1024 bits,
// which crypto/rsa will not make, it is put together from two primes: a
// public key for the verifier to refuse.
func rsaKey(t *testing.T, bits int) crypto.Signer {
	t.Helper()
	keyMu.Lock()
	defer keyMu.Unlock()
	if k, ok := keyCache[strconv.Itoa(bits)]; ok {
		return k
	}
	var k *rsa.PrivateKey
	var err error
	if bits >= 1024 {
		k, err = rsa.GenerateKey(rand.Reader, bits)
	} else {
		for k == nil || k.N.BitLen() != bits {
			var p, q *big.Int
			if p, err = rand.Prime(rand.Reader, bits/2); err == nil {
				q, err = rand.Prime(rand.Reader, bits/2)
			}
			if err != nil {
				break
			}
			n := new(big.Int).Mul(p, q)
			phi := new(big.Int).Mul(new(big.Int).Sub(p, big.NewInt(1)), new(big.Int).Sub(q, big.NewInt(1)))
			d := new(big.Int).ModInverse(big.NewInt(65537), phi)
			if d == nil {
				continue
			}
			k = &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 65537}, D: d, Primes: []*big.Int{p, q}}
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	keyCache[strconv.Itoa(bits)] = k
	return k
}

func pubBase64(t *testing.T, k crypto.Signer) string {
	t.Helper()
	if pub, ok := k.Public().(ed25519.PublicKey); ok {
		return base64.StdEncoding.EncodeToString(pub)
	}
	der, err := x509.MarshalPKIXPublicKey(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

// runExample builds the scene of the pieces and returns the result of
// the check that emits code.
func runExample(t *testing.T, code string, c exampleCase, pieces []string) checks.Result {
	t.Helper()
	name, _, _ := strings.Cut(code, ".")
	if name == "spamd" {
		name = "spam"
	}
	return result(t, exampleReport(t, c, pieces), name)
}

// exampleReport is the report on the scene of the pieces.
func exampleReport(t *testing.T, c exampleCase, pieces []string) checks.Report {
	t.Helper()
	s := newScene(c)
	var lastDig string
	for _, p := range pieces {
		s.apply(t, p, &lastDig)
	}
	var raw string
	var zones []*dnsx.Zone
	if c.chain {
		if len(s.tags) > 0 || len(s.keys) > 0 || len(s.append) > 0 {
			t.Fatal("a chain example can only change header fields and DNS answers")
		}
		b, z := chain(t)
		raw, zones = string(b), []*dnsx.Zone{z}
		if s.opts.Now.IsZero() {
			// Its seals are dated 1796220940 (2 Dec 2026, 14:15:40 UTC).
			s.opts.Now = time.Unix(1796220940+3600, 0)
		}
	} else {
		raw = s.message(t)
		zones = s.zones(t)
	}
	raw = s.received(t, raw)
	if c.edit != nil {
		raw = c.edit(raw)
	}
	r := dnsx.Resolver(dnstest.Offline(t, zones...))
	if len(s.servfail) > 0 {
		srv := dnstest.Start(t, zones...)
		for _, n := range s.servfail {
			srv.Set(n, dnstest.ServFail)
		}
		r = srv.Client(2 * time.Second)
	}
	if c.spamd {
		table := "Content analysis details:   (0.0 points, 5.0 required)\n\n pts rule name              description\n" +
			"---- ---------------------- --------------------------------------------------\n" + strings.Join(s.rules, "\n") + "\n"
		spam := s.spam
		if spam == "" && len(s.rules) > 0 {
			// An example that gives only rule rows: a verdict under
			// the threshold, as spamd's own test lays them out.
			spam = "False ; 2.7 / 5.0"
		}
		s.opts.Spamd = fakeSpamd(t, spam, table, make(chan int, 1))
	}
	if s.opts.Now.IsZero() {
		s.opts.Now = testNow
	}
	return Check(t.Context(), r, Input{Source: "example.eml", Data: []byte(raw), Truncated: c.truncated}, s.opts)
}

// message is the base message signed as the scene says, before the
// header fields change on the way.
func (s *scene) message(t *testing.T) string {
	t.Helper()
	head := []string{"Return-Path: <bounce@example.com>\r\n"}
	if !s.c.noList {
		head = append(head, strings.SplitAfter(strings.TrimSuffix(listHeaders, "\r\n"), "\r\n")...)
		head[len(head)-1] += "\r\n"
	}
	fields, body, _ := strings.Cut(plain, "\r\n\r\n")
	for f := range strings.SplitSeq(fields, "\r\n") {
		head = append(head, f+"\r\n")
	}
	body = s.bodyAfter(t, body)
	if s.c.unsigned {
		return strings.Join(head, "") + "\r\n" + body
	}
	return strings.Join(head[:1], "") + s.sign(t, strings.Join(head[1:], ""), strings.SplitN(plain, "\r\n\r\n", 2)[1]) + strings.Join(head[1:], "") + "\r\n" + body
}

// bodyAfter is the body with the lines the example adds or takes away
// after signing.
func (s *scene) bodyAfter(t *testing.T, body string) string {
	t.Helper()
	for _, l := range s.remove {
		if !strings.Contains(body, l+"\r\n") {
			t.Fatalf("the body has no line %q to take out", l)
		}
		body = strings.Replace(body, l+"\r\n", "", 1)
	}
	for _, l := range s.append {
		body += l + "\r\n"
	}
	return body
}

// sign returns the DKIM-Signature field over header and body, by the
// scene's tags.
func (s *scene) sign(t *testing.T, header, body string) string {
	t.Helper()
	tag := func(k, def string) string {
		if v, ok := s.tags[k]; ok {
			return v
		}
		return def
	}
	d, sel := tag("d", "example.com"), tag("s", "s1")
	owner := sel + "._domainkey." + d + "."
	key, published := s.keys[owner], s.given[owner]
	alg := tag("a", "")
	switch {
	case alg != "":
	case key != nil && isRSAKey(key):
		alg = dkimverify.RSASHA256
	default:
		alg = dkimverify.Ed25519SHA256
	}
	wantRSA := alg != dkimverify.Ed25519SHA256
	if key == nil || isRSAKey(key) != wantRSA {
		// No key of the signature's type made for the record: sign with
		// one of its own (published only when the example gives none).
		if wantRSA {
			key = rsaKey(t, 2048)
		} else {
			key = edKey(t)
		}
	}
	if !published {
		s.main = append(s.main, strings.TrimSuffix(zoneTXT(strings.TrimSuffix(owner, "."), keyTXT(t, key)), "\n"))
	}
	hash := "sha256"
	if alg == dkimverify.RSASHA1 {
		hash = "sha1"
	}
	l := int64(-1)
	var opt string
	for _, k := range []string{"t", "x", "l"} {
		if v, ok := s.tags[k]; ok {
			opt += fmt.Sprintf(" %s=%s;", k, v)
		}
	}
	if v, ok := s.tags["l"]; ok {
		l, _ = strconv.ParseInt(v, 10, 64)
	}
	hs, err := dkimverify.HashBody(t.Context(), strings.NewReader(body), []dkimverify.BodyReq{{Canon: dkimverify.Relaxed, Hash: hash, Length: l}})
	if err != nil {
		t.Fatal(err)
	}
	signed := "from:from:to:subject:date:message-id:list-unsubscribe:list-unsubscribe-post"
	if s.c.noList {
		signed = "from:from:to:subject:date:message-id"
	}
	h := tag("h", signed)
	field := fmt.Sprintf("DKIM-Signature: v=1; a=%s; c=relaxed/relaxed; d=%s; s=%s;%s\r\n\th=%s; bh=%s; b=AAAA\r\n",
		alg, d, sel, opt, h, base64.StdEncoding.EncodeToString(hs[0].Sum))
	// crypto/rsa will not sign with a key under 1024 bits; the verifier
	// refuses the key before it looks at b=, so the field stays unsigned.
	field, _ = fillSignature(t, field, header+"\r\n", key, alg)
	return field
}

// received adds the receiver's Received field, drops the fields the case
// drops and applies the example's header fields.
func (s *scene) received(t *testing.T, raw string) string {
	t.Helper()
	if !s.c.chain {
		rp, rest, _ := strings.Cut(raw, "\r\n")
		_, rcvd, _ := strings.Cut(trace, "\r\n")
		raw = rp + "\r\n" + rcvd + rest
	}
	for _, name := range s.c.drop {
		raw = replaceField(raw, name, "")
	}
	seen := map[string]int{}
	for _, e := range s.edits {
		name, _, _ := strings.Cut(e, ":")
		n := seen[strings.ToLower(name)]
		seen[strings.ToLower(name)]++
		raw = replaceNth(raw, name, n, e+"\r\n")
	}
	return raw
}

// fieldAt finds the nth field named name in the header of raw: its
// start and end (after its line break), or -1.
func fieldAt(raw, name string, n int) (int, int) {
	head, _, _ := strings.Cut(raw, "\r\n\r\n")
	pos := 0
	for line := range strings.SplitAfterSeq(head+"\r\n", "\r\n") {
		start := pos
		pos += len(line)
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		fname, _, ok := strings.Cut(line, ":")
		if !ok || !strings.EqualFold(fname, name) {
			continue
		}
		if n > 0 {
			n--
			continue
		}
		end := pos
		for end < len(raw) && (raw[end] == ' ' || raw[end] == '\t') {
			end += strings.Index(raw[end:], "\r\n") + 2
		}
		return start, end
	}
	return -1, -1
}

// replaceNth puts field in place of the nth field named name, or on top
// of the header when there is none.
func replaceNth(raw, name string, n int, field string) string {
	i, j := fieldAt(raw, name, n)
	if i < 0 {
		return field + raw
	}
	return raw[:i] + field + raw[j:]
}

// replaceField puts fields in place of every field named name.
func replaceField(raw, name, fields string) string {
	i, j := fieldAt(raw, name, 0)
	if i < 0 {
		return fields + raw
	}
	for {
		k, l := fieldAt(raw[j:], name, 0)
		if k < 0 {
			break
		}
		raw = raw[:j+k] + raw[j+l:]
	}
	return raw[:i] + fields + raw[j:]
}

// zones are the scene's records, a zone for each domain under a TLD
// (example.com, example.net, example.org are always there, as they are
// in the DNS), with the names dig answered NXDOMAIN for taken out.
func (s *scene) zones(t *testing.T) []*dnsx.Zone {
	t.Helper()
	groups := map[string][]string{"example.com.": nil, "example.net.": nil, "example.org.": nil}
	for _, l := range append(slices.Clone(s.main), s.reverse...) {
		f := strings.Fields(l)
		if slices.ContainsFunc(s.nx, func(n string) bool { return strings.EqualFold(f[0], n) }) {
			continue
		}
		groups[apex(f[0])] = append(groups[apex(f[0])], l)
	}
	var zones []*dnsx.Zone
	for _, a := range slices.Sorted(maps.Keys(groups)) {
		lines := groups[a]
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.Fields(l)[3] == "SOA" }) {
			lines = append([]string{fmt.Sprintf("%s 300 IN SOA ns.%s hostmaster.%s 1 7200 3600 1209600 300", a, a, a)}, lines...)
		}
		zones = append(zones, dnstest.Zone(t, ".", strings.Join(lines, "\n")+"\n"))
	}
	return zones
}

// apex is the zone a name is in: its last two labels, or for a reverse
// name the base's 2.0.192.in-addr.arpa.
func apex(name string) string {
	name = strings.ToLower(dnsx.Fqdn(name))
	if strings.HasSuffix(name, ".in-addr.arpa.") {
		return "2.0.192.in-addr.arpa."
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	if len(labels) < 2 {
		return name
	}
	return strings.Join(labels[len(labels)-2:], ".") + "."
}
