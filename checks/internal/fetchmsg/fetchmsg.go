// Package fetchmsg words a failed HTTPS fetch (checks/fetch) for the
// findings of the checks that fetch: the MTA-STS policy, the BIMI logo.
package fetchmsg

import (
	"errors"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/fetch"
)

// Cause is why a fetch failed, for a person: the cause's Message, without
// the URL and stage of a fetch.Error, which the finding words itself.
// "" for nil.
func Cause(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		err = fe.Err
	}
	return checks.Message(err)
}
