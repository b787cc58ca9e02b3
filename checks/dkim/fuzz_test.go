package dkim

import (
	"testing"

	"github.com/relayctl/relayctl/checks/internal/taglist/taglisttest"
)

func FuzzParseKey(f *testing.F) {
	testKeys(f)
	for _, s := range []string{
		"v=DKIM1; k=rsa; p=" + rsa2048,
		"v=DKIM1; k=rsa; p=" + rsa2048p,
		"v=DKIM1; k=ed25519; p=" + ed,
		"v=DKIM1; k=ed25519; p=" + edSPKI,
		"v=DKIM1; h=sha1:sha256; s=email; t=y:s; n=note; p=" + rsa1024,
		"v=DKIM1; p=",
		"p=" + rsa2048 + "; p=",
		"k=rsa; v=DKIM1",
		"v=DKIM1; p=MIIB IjAN\tBgkq",
		";;=;",
		"v=DKIM1; p=\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if k == nil {
			t.Fatal("nil record")
		}
		taglisttest.CheckErrors[pkg](t, s, err, ErrSyntax, ErrUnsupportedKeyType)
		if err != nil {
			return
		}
		switch {
		case k.Revoked:
			if k.Bits != 0 || k.PublicKey != nil {
				t.Fatalf("revoked key with a key: %+v", k)
			}
		case k.KeyType == KeyRSA:
			if k.Bits <= 0 || (k.Encoding != EncodingSPKI && k.Encoding != EncodingPKCS1) {
				t.Fatalf("RSA key without a size or encoding: %+v", k)
			}
		case k.KeyType == KeyEd25519:
			if k.Bits != 256 || k.Encoding != EncodingRaw {
				t.Fatalf("bad Ed25519 key: %+v", k)
			}
		default:
			t.Fatalf("accepted key type %q", k.KeyType)
		}
		if !LooksLikeKey(s) {
			t.Fatalf("ParseKey accepts %q but LooksLikeKey does not", s)
		}
	})
}
