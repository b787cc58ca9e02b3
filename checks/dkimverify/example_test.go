package dkimverify_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx"
)

func ExampleVerify() {
	// An Ed25519 key (RFC 8463), signing with go-msgauth.
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	const msg = "From: Joe SixPack <joe@football.example.com>\r\nTo: Suzie Q <suzie@shopping.example.net>\r\nSubject: Is dinner ready?\r\n\r\nHi.\r\n"
	var signed bytes.Buffer
	dkim.Sign(&signed, strings.NewReader(msg), &dkim.SignOptions{
		Domain: "football.example.com", Selector: "brisbane", Signer: key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "To", "Subject"},
	})

	// The key from a zone held in memory, as --zone --offline would.
	zone, _ := dnsx.ParseZone(strings.NewReader(
		`brisbane._domainkey IN TXT "v=DKIM1; k=ed25519; p=6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw="`+"\n"),
		"football.example.com", "example.zone")
	r, _ := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{zone}, Offline: true})

	m, _ := dkimverify.ParseMessage(bytes.NewReader(signed.Bytes()), int64(signed.Len()))
	res := dkimverify.Verify(context.Background(), r, m, dkimverify.Options{})
	for _, s := range res.Signatures {
		fmt.Println(s.Status, s.Domain, s.Algorithm, s.Facts.KeyBits, s.Facts.FromSigned)
	}

	// The body changed on the way.
	altered := bytes.Replace(signed.Bytes(), []byte("Hi."), []byte("Bye."), 1)
	m, _ = dkimverify.ParseMessage(bytes.NewReader(altered), int64(len(altered)))
	res = dkimverify.Verify(context.Background(), r, m, dkimverify.Options{})
	fmt.Println(res.Signatures[0].Status, res.Signatures[0].Cause)
	// Output:
	// pass football.example.com ed25519-sha256 256 true
	// fail body-hash-mismatch
}
