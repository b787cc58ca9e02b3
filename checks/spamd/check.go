package spamd

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/relayctl/relayctl/checks"
)

// Finding codes (the package comment describes each).
const (
	CodeSpam       = "spamd.spam"
	CodeScore      = "spamd.score"
	CodeRule       = "spamd.rule"
	CodeNotScanned = "spamd.not-scanned"
)

// NotScanned is the data of a check whose message was over the size
// limit.
type NotScanned struct {
	Server  string `json:"server"`
	Size    int    `json:"size"`
	MaxSize int    `json:"max_size"`
}

// Check has the spamd that c points at scan msg and judges its answer: a
// fail finding when spamd calls the message spam, an info finding with the
// score otherwise, and an info finding for each rule hit. The result's
// data is the *Report. A spamd that cannot be reached or answers badly
// gives status error with the reason.
func Check(ctx context.Context, c *Client, msg []byte) checks.Result {
	start := time.Now()
	res := checks.Result{Name: "spamd " + c.Addr}
	rep, err := c.Report(ctx, msg)
	res.DurationMS = checks.Since(start)
	var tooLarge *TooLargeError
	switch {
	case errors.As(err, &tooLarge):
		res.Data = &NotScanned{Server: c.Addr, Size: tooLarge.Size, MaxSize: tooLarge.Max}
		res.Summary = "not scanned: the message is over " + strconv.Itoa(tooLarge.Max) + " bytes"
		res.Add(checks.Finding{
			Code: CodeNotScanned, Severity: checks.SeverityWarn, Message: tooLarge.Message(),
			Hint: "spamc does not pass a message over its --max-size (500 KB unless the site changes it) to spamd, so many sites deliver it unscanned or filter it otherwise; make the message smaller (link to large files instead of attaching them), or raise the limit to scan it here.",
		})
		res.Settle()
		return res
	case err != nil:
		res.Status = checks.StatusError
		res.Error = checks.Message(err)
		res.Summary = "no verdict from spamd"
		res.Findings = []checks.Finding{}
		return res
	}
	res.Data = rep
	verdict := fmt.Sprintf("score %s, threshold %s", points(rep.Score), points(rep.Threshold))
	if rep.Spam {
		res.Summary = "spam: " + verdict
		res.Add(checks.Finding{
			Code: CodeSpam, Severity: checks.SeverityFail,
			Message: fmt.Sprintf("SpamAssassin calls the message spam: it scores %s, at or over the threshold of %s", points(rep.Score), points(rep.Threshold)),
			Hint:    "The rules that hit (" + CodeRule + ") say what raised the score: fix those with the most points first.",
		})
	} else {
		res.Summary = "not spam: " + verdict
		res.Add(checks.Finding{
			Code: CodeScore, Severity: checks.SeverityInfo,
			Message: fmt.Sprintf("SpamAssassin scores the message %s, under the threshold of %s", points(rep.Score), points(rep.Threshold)),
		})
	}
	for _, r := range rep.Rules {
		msg := fmt.Sprintf("%s: %s points", r.Name, points(r.Points))
		if r.Description != "" {
			msg += ": " + r.Description
		}
		res.Add(checks.Finding{Code: CodeRule, Severity: checks.SeverityInfo, Message: msg})
	}
	res.Settle()
	return res
}

// points formats a score as SpamAssassin does, one decimal ("-0.0",
// "1000.0").
func points(f float64) string {
	return strconv.FormatFloat(f, 'f', 1, 64)
}
