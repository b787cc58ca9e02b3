package message

import (
	"context"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/spamd"
)

// judgeSpam reports what spamd said of the message (checks/spamd.Check:
// the score, the threshold and every rule that hit), or, without
// --spamd, a note on how to get a score.
func judgeSpam(ru *run) checks.Result {
	if ru.spam != nil {
		return *ru.spam
	}
	// The note is info and the status stays ok: a check not asked for
	// says nothing about the message.
	res := checks.Result{Summary: "not run: give --spamd HOST:PORT for a SpamAssassin score"}
	res.Add(finding("spamd.not-run", checks.SeverityInfo, "", "Run a spamd (SpamAssassin's daemon) and pass --spamd HOST:PORT, such as --spamd 127.0.0.1:783.",
		"no SpamAssassin score: --spamd was not given"))
	return res
}

// scan has spamd score the message when Options.Spamd names one.
func scan(ctx context.Context, addr string, data []byte) *checks.Result {
	if addr == "" {
		return nil
	}
	res := spamd.Check(ctx, &spamd.Client{Addr: addr}, data)
	return &res
}
