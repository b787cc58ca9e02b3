package report

import (
	"context"
	"time"

	"github.com/relayctl/relayctl/checks/dmarcreport"
	"github.com/relayctl/relayctl/checks/reportstore"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// readStore reads the records stored in the SQLite file at path whose
// period ends within since before now (0: all).
func readStore(ctx context.Context, path string, since time.Duration, now time.Time, emit func(dmarcreport.Record) error) error {
	s, err := reportstore.Open(ctx, path)
	if err != nil {
		return cmdutil.Usage("cannot use --db "+path, err)
	}
	var from time.Time
	if since > 0 {
		from = now.Add(-since)
	}
	err = s.Records(ctx, from, emit)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &cmdutil.IncompleteError{Err: err}
	}
	return nil
}

// storing wraps onRecord so that each record is also stored; the
// records of a report stored before are counted as duplicates.
func storing(ctx context.Context, s *reportstore.Store, t *tally, onRecord func(dmarcreport.Record) error) func(dmarcreport.Record) error {
	return func(r dmarcreport.Record) error {
		added, err := s.Add(ctx, r)
		if err != nil {
			return err
		}
		if added == reportstore.Duplicate {
			t.Duplicates++
		}
		return onRecord(r)
	}
}
