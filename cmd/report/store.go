package report

import (
	"context"
	"time"

	"github.com/relayctl/relayctl/checks/dmarcreport"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// readStore reads the records stored in the SQLite file at path.
func readStore(ctx context.Context, path string, since time.Duration, now time.Time, emit func(dmarcreport.Record) error) error {
	return cmdutil.Usagef("--db is not available yet")
}
