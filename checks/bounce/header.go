package bounce

import "github.com/relayctl/relayctl/checks/internal/mimex"

// header and field are mimex's, whose SplitHeader is the tolerant header
// reader bounce and content share (lower-case keys, values unfolded and
// trimmed).
type (
	header = mimex.Header
	field  = mimex.Field
)
