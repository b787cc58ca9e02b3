package dkim

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
)

// Test keys are generated once per test binary: RSA generation is slow.
var (
	keysOnce sync.Once
	rsa1024  string // base64 SubjectPublicKeyInfo
	rsa2048  string
	rsa2048p string // base64 PKCS#1 RSAPublicKey
	ed       string // base64 raw 32 bytes
	edSPKI   string // base64 SubjectPublicKeyInfo of an Ed25519 key
)

func testKeys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		for _, bits := range []int{1024, 2048} {
			k, err := rsa.GenerateKey(rand.Reader, bits)
			if err != nil {
				panic(err)
			}
			der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
			if err != nil {
				panic(err)
			}
			if bits == 1024 {
				rsa1024 = base64.StdEncoding.EncodeToString(der)
			} else {
				rsa2048 = base64.StdEncoding.EncodeToString(der)
				rsa2048p = base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&k.PublicKey))
			}
		}
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			panic(err)
		}
		ed = base64.StdEncoding.EncodeToString(pub)
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			panic(err)
		}
		edSPKI = base64.StdEncoding.EncodeToString(der)
	})
}

// fakeRSA returns a base64 SubjectPublicKeyInfo holding an RSA modulus of
// exactly bits bits. Go refuses to generate keys under 1024 bits, and
// key records are only parsed, never used, so the modulus need not be a
// product of two primes.
func fakeRSA(t testing.TB, bits int) string {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits)))
	if err != nil {
		t.Fatal(err)
	}
	n.SetBit(n, bits-1, 1)
	n.SetBit(n, 0, 1)
	der, err := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: n, E: 65537})
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

func TestParseKeyRSA(t *testing.T) {
	testKeys(t)
	for _, tt := range []struct {
		rec  string
		bits int
		enc  string
	}{
		{"v=DKIM1; k=rsa; p=" + rsa2048, 2048, EncodingSPKI},
		{"v=DKIM1; p=" + rsa1024, 1024, EncodingSPKI},
		{"p=" + rsa2048p, 2048, EncodingPKCS1},
		// Folded the way long TXT records often are.
		{"v=DKIM1; k=rsa; p=" + rsa2048[:100] + " " + rsa2048[100:200] + "\t" + rsa2048[200:], 2048, EncodingSPKI},
		{"v=DKIM1; p=" + fakeRSA(t, 512), 512, EncodingSPKI},
	} {
		k, err := ParseKey(tt.rec)
		if err != nil {
			t.Errorf("ParseKey(%.40q…): %v", tt.rec, err)
			continue
		}
		if k.KeyType != KeyRSA || k.Bits != tt.bits || k.Encoding != tt.enc || k.Revoked {
			t.Errorf("ParseKey(%.40q…) = type %s bits %d enc %s revoked %v", tt.rec, k.KeyType, k.Bits, k.Encoding, k.Revoked)
		}
		if _, ok := k.PublicKey.(*rsa.PublicKey); !ok {
			t.Errorf("PublicKey is %T", k.PublicKey)
		}
	}
}

func TestParseKeyEd25519(t *testing.T) {
	testKeys(t)
	k, err := ParseKey("v=DKIM1; k=ed25519; p=" + ed)
	if err != nil {
		t.Fatal(err)
	}
	if k.KeyType != KeyEd25519 || k.Bits != 256 || k.Encoding != EncodingRaw {
		t.Errorf("got %+v", k)
	}
	_, err = ParseKey("v=DKIM1; k=ed25519; p=" + edSPKI)
	if err == nil || !strings.Contains(err.Error(), "bare 32-byte") {
		t.Errorf("SPKI-wrapped Ed25519: %v", err)
	}
	_, err = ParseKey("v=DKIM1; k=rsa; p=" + ed)
	if err == nil {
		t.Errorf("a raw Ed25519 key under k=rsa should not parse")
	}
	_, err = ParseKey("v=DKIM1; p=" + edSPKI)
	if err == nil || !strings.Contains(err.Error(), "k=ed25519") {
		t.Errorf("an Ed25519 SPKI without k=ed25519: %v", err)
	}
}

func TestParseKeyTags(t *testing.T) {
	testKeys(t)
	k, err := ParseKey("v=DKIM1; h=sha1:SHA256; k=rsa; s=email:*; t=y:s; n=rotated 2024; x=1; p=" + rsa2048)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(k.HashAlgs, ",") != "sha1,sha256" || !k.AllowsHash("sha256") || !k.ForEmail() ||
		!k.HasFlag("y") || !k.HasFlag("s") || k.Notes != "rotated 2024" || len(k.Unknown) != 1 || k.Unknown[0].Name != "x" {
		t.Errorf("got %+v", k)
	}
	k, _ = ParseKey("p=" + rsa2048)
	if !k.AllowsHash("sha1") || !k.ForEmail() || k.Version != "" {
		t.Errorf("defaults: %+v", k)
	}
	k, _ = ParseKey("s=tlsrpt; p=" + rsa2048)
	if k.ForEmail() {
		t.Errorf("s=tlsrpt is not for email")
	}
}

func TestParseKeyRevoked(t *testing.T) {
	for _, rec := range []string{"v=DKIM1; p=", "v=DKIM1; k=rsa; p=;", "p= "} {
		k, err := ParseKey(rec)
		if err != nil || !k.Revoked || k.Bits != 0 {
			t.Errorf("ParseKey(%q) = %+v, %v", rec, k, err)
		}
	}
}

func TestParseKeyErrors(t *testing.T) {
	testKeys(t)
	tests := []struct {
		rec      string
		col      int
		tag      string
		contains string
		sentinel error
	}{
		{"v=DKIM1; k=rsa", 0, "p", "required tag p", ErrSyntax},
		{"k=rsa; v=DKIM1; p=" + rsa2048, 8, "v", "first tag", ErrSyntax},
		{"v=DKIM2; p=" + rsa2048, 1, "v", `version "DKIM2"`, ErrSyntax},
		{"v=DKIM1; k=dsa; p=" + rsa2048, 10, "k", `key type "dsa"`, ErrUnsupportedKeyType},
		{"v=DKIM1; p=" + rsa2048 + "; p=" + rsa2048, 10 + len("p=") + len(rsa2048) + 2, "p", "duplicate", ErrSyntax},
		{"v=DKIM1; p=not*base64", 10, "p", "base64", ErrSyntax},
		{"v=DKIM1; p=" + base64.StdEncoding.EncodeToString([]byte("hello world")), 10, "p", "neither", ErrSyntax},
		{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(make([]byte, 31)), 21, "p", "32 bytes", ErrSyntax},
		{"v=DKIM1; h=sha256::sha1; p=" + rsa2048, 10, "h", "hash algorithms", ErrSyntax},
		{"v=DKIM1; t=y:; p=" + rsa2048, 10, "t", "flags", ErrSyntax},
		{"v=DKIM1; s=; p=" + rsa2048, 10, "s", "service", ErrSyntax},
		{"v=DKIM1; junk; p=" + rsa2048, 10, "", "not a tag=value", ErrSyntax},
		{"v=DKIM1; 9x=1; p=" + rsa2048, 10, "", "invalid tag name", ErrSyntax},
		{"v=DKIM1; n=caf\xc3\xa9; p=" + rsa2048, 15, "n", "not allowed", ErrSyntax},
		// Tag names are case-sensitive in DKIM: P= is not p=.
		{"v=DKIM1; P=" + rsa2048, 0, "p", "required tag p", ErrSyntax},
	}
	for _, tt := range tests {
		k, err := ParseKey(tt.rec)
		if k == nil {
			t.Errorf("nil record for %.50q", tt.rec)
		}
		var es Errors
		if !errors.As(err, &es) {
			t.Errorf("ParseKey(%.50q) error %v, want Errors", tt.rec, err)
			continue
		}
		found := false
		for _, e := range es {
			if e.Col == tt.col && e.Tag == tt.tag && strings.Contains(e.Msg, tt.contains) && errors.Is(e, tt.sentinel) {
				found = true
			}
		}
		if !found {
			t.Errorf("ParseKey(%.50q):\n got %v\nwant col %d tag %q containing %q", tt.rec, err, tt.col, tt.tag, tt.contains)
		}
	}
}

func TestLooksLikeKey(t *testing.T) {
	for txt, want := range map[string]bool{
		"v=DKIM1; p=abc":                       true,
		"k=rsa; p=":                            true,
		"p=MIIB":                               true,
		"v=spf1 include:_spf.example.com ~all": false,
		"google-site-verification=abc":         false,
		"v=DMARC1; p=none":                     true, // has p=: parsed, and then fails as a key
		"hello":                                false,
	} {
		if got := LooksLikeKey(txt); got != want {
			t.Errorf("LooksLikeKey(%q) = %v, want %v", txt, got, want)
		}
	}
}
