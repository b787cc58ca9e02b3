package bounce

import "github.com/relayctl/relayctl/checks/internal/mimex"

// header and field are mimex's: the tolerant header reader bounce and
// content share (lower-case keys, values unfolded and trimmed).
type (
	header = mimex.Header
	field  = mimex.Field
)

// splitHeader and splitHeaderText are mimex's readers of a header block.
var (
	splitHeader     = mimex.SplitHeader
	splitHeaderText = mimex.SplitHeaderText
)
