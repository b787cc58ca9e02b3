package dnsx

import (
	"errors"

	"github.com/relayctl/relayctl/checks"
)

// Brief is a failed lookup in a few words for a summary line: a
// QueryError's failure alone (SERVFAIL, timeout…), without the question
// and the server the message around it already names; any other error's
// checks.Message; "" for nil.
func Brief(err error) string {
	var qe *QueryError
	if errors.As(err, &qe) {
		return qe.Err.Error()
	}
	return checks.Message(err)
}
