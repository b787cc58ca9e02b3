package bounce

import "github.com/relayctl/relayctl/checks/bounce/reason"

// The code finders live with the classification; these are their short
// local names.
var (
	findStatus   = reason.FindStatus
	findReply    = reason.FindReply
	findCommand  = reason.FindCommand
	preferStatus = reason.PreferStatus
)
