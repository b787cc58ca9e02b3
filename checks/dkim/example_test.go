package dkim_test

import (
	"fmt"

	"github.com/relayctl/relayctl/checks/dkim"
)

func ExampleParseKey() {
	// An Ed25519 key from RFC 8463 §A.2.
	k, err := dkim.ParseKey("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
	fmt.Println(k.KeyType, k.Bits, k.Encoding, err)

	k, err = dkim.ParseKey("v=DKIM1; p=")
	fmt.Println(k.Revoked, err)

	_, err = dkim.ParseKey("v=DKIM1; k=dsa; p=AAAA")
	fmt.Println(err)
	// Output:
	// ed25519 256 raw <nil>
	// true <nil>
	// dkim: col 10: tag k: key type "dsa", want rsa or ed25519
}
