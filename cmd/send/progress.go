package send

import (
	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// batchProgress is the batch's progress display on a terminal's stderr
// (cmdutil's one display), with a counter for each outcome:
//
//	[############------------]  812/2000  sent 810  failed 2  retries 5  skipped 40  402/s  about 3s left
type batchProgress struct {
	*cmdutil.Progress
	retries int
}

// startProgress starts it for todo messages, skipped already sent by
// an earlier run (--skip-done). -v's transcript owns stderr: no display.
func (o *Options) startProgress(todo, skipped int) *batchProgress {
	p := o.IO.StartProgress(cmdutil.ProgressOptions{
		Total:    todo,
		Counters: []string{"sent", "rejected", "partial", "failed", "unknown", "retries", "skipped"},
		Off:      o.NoProgress || o.Verbose,
	})
	p.Set("skipped", skipped)
	return &batchProgress{Progress: p}
}

// record counts one message's outcome, the tally already holding it.
func (p *batchProgress) record(rec send.Record, t report.SendTally) {
	p.retries += max(rec.Attempts-1, 0)
	p.Set("sent", t.Sent)
	p.Set("rejected", t.Rejected)
	p.Set("partial", t.Partial)
	p.Set("failed", t.Failed)
	p.Set("unknown", t.Unknown)
	p.SetRetries(p.retries)
	p.Inc()
}
