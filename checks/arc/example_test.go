package arc_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks/arc"
	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx"
)

func ExampleValidate() {
	r, _ := dnsx.New(dnsx.Config{Offline: true})
	for _, raw := range []string{
		"From: a@example.com\r\n\r\nNo ARC here.\r\n",
		// A set without its ARC-Message-Signature.
		"ARC-Seal: i=1; a=rsa-sha256; cv=none; d=lists.example; s=arc; b=YWJj\r\n" +
			"ARC-Authentication-Results: i=1; lists.example; dkim=pass header.d=example.com\r\n" +
			"From: a@example.com\r\n\r\nHello.\r\n",
	} {
		m, _ := dkimverify.ParseMessage(strings.NewReader(raw), int64(len(raw)))
		res := arc.Validate(context.Background(), r, m, arc.Options{})
		if res.Status != arc.StatusFail {
			fmt.Println(res.Status)
			continue
		}
		fmt.Printf("%s (%s at set %d): %s\n", res.Status, res.Cause, res.FailedInstance, res.Error)
	}
	// Output:
	// none
	// fail (structure at set 1): ARC set 1 has 0 ARC-Message-Signature fields, want exactly one (RFC 8617 §5.2 step 3)
}
