package received

import (
	"slices"
	"testing"
	"time"
)

// A message from a sender's submission server through its outbound relay
// to the receiver's MX, a clear-text content filter hop on another host,
// and the mailbox store. Header order: newest first.
var pathFields = []string{
	"from filter.example.com (filter.example.com [10.0.0.7]) by store.example.com (Postfix) with ESMTPS id S1; Wed, 2 Dec 2026 13:10:30 +0000",
	"from mx.example.com (mx.example.com [10.0.0.5]) by filter.example.com (Postfix) with ESMTP id F1; Wed, 2 Dec 2026 13:10:20 +0000",
	"from out.example.net (out.example.net [192.0.2.10]) by mx.example.com (Postfix) with ESMTPS id M1; Wed, 2 Dec 2026 13:10:00 +0000",
	"from submit.example.net (submit.example.net [10.1.0.2]) by out.example.net (Postfix) with ESMTPS id O1; Wed, 2 Dec 2026 13:00:00 +0000",
	"from laptop.example.net (unknown [198.51.100.9]) by submit.example.net (Postfix) with ESMTPSA id U1; Wed, 2 Dec 2026 12:59:58 +0000",
}

const pathDate = "Wed, 2 Dec 2026 12:59:55 +0000"

func TestBuildPath(t *testing.T) {
	p := BuildPath(pathFields, pathDate)
	if len(p.Hops) != 5 {
		t.Fatalf("%d hops", len(p.Hops))
	}
	wantID := []string{"U1", "O1", "M1", "F1", "S1"}
	wantDelay := []time.Duration{3 * time.Second, 2 * time.Second, 10 * time.Minute, 20 * time.Second, 10 * time.Second}
	wantFrom := []int{-1, 0, 1, 2, 3}
	for i, h := range p.Hops {
		if h.Header.ID != wantID[i] || h.Index != 4-i {
			t.Errorf("hop %d: id %q index %d, want %q %d", i, h.Header.ID, h.Index, wantID[i], 4-i)
		}
		if !h.DelayKnown || h.Delay != wantDelay[i] || h.DelayFrom != wantFrom[i] {
			t.Errorf("hop %d: delay %v known %v from %d, want %v from %d", i, h.Delay, h.DelayKnown, h.DelayFrom, wantDelay[i], wantFrom[i])
		}
	}
	if !p.TotalKnown || p.Total != 35*time.Second+10*time.Minute {
		t.Errorf("Total = %v (%v)", p.Total, p.TotalKnown)
	}
	if i, ok := Slowest(p); !ok || i != 2 {
		t.Errorf("Slowest = %d %v, want 2", i, ok)
	}
	if got := Delayed(p, 15*time.Second); !slices.Equal(got, []int{2, 3}) {
		t.Errorf("Delayed = %v", got)
	}
	if got := ClearBetweenTLS(p); !slices.Equal(got, []int{3}) {
		t.Errorf("ClearBetweenTLS = %v, want [3] (the ESMTP hop into filter)", got)
	}
	if got := NegativeDelays(p, 0); got != nil {
		t.Errorf("NegativeDelays = %v", got)
	}
	if got := Unparsed(p); got != nil {
		t.Errorf("Unparsed = %v", got)
	}
}

func TestBuildPathSkewAndFuture(t *testing.T) {
	fields := []string{
		"from b.example.net (b.example.net [192.0.2.2]) by c.example.com with ESMTPS id 3; Wed, 2 Dec 2026 13:00:00 +0000",
		"from a.example.net (a.example.net [192.0.2.1]) by b.example.net with ESMTPS id 2; Wed, 2 Dec 2026 13:00:05 +0000",
	}
	p := BuildPath(fields, "Wed, 2 Dec 2026 14:00:00 +0100") // 13:00:00 UTC
	if got := NegativeDelays(p, time.Second); !slices.Equal(got, []int{1}) {
		t.Errorf("NegativeDelays = %v, want [1]", got)
	}
	if got := NegativeDelays(p, 10*time.Second); got != nil {
		t.Errorf("NegativeDelays within tolerance = %v", got)
	}
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	if !FutureDate(p, now, time.Minute) {
		t.Error("Date an hour after now not reported")
	}
	if FutureDate(p, now.Add(2*time.Hour), time.Minute) {
		t.Error("Date in the past reported")
	}
	if got := FutureHops(p, now, time.Minute); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("FutureHops = %v", got)
	}
	if _, ok := Slowest(p); !ok {
		t.Error("Slowest: the 5 s hop not found")
	}
}

func TestBuildPathKeepsUnparsable(t *testing.T) {
	fields := []string{
		"from c.example.net by d.example.com; Wed, 2 Dec 2026 13:00:30 +0000",
		"this is not a received header",
		"from a.example.net by b.example.net; Wed, 2 Dec 2026 13:00:00 +0000",
	}
	p := BuildPath(fields, "")
	if len(p.Hops) != 3 {
		t.Fatalf("%d hops, want 3", len(p.Hops))
	}
	if got := Unparsed(p); !slices.Equal(got, []int{1}) {
		t.Errorf("Unparsed = %v", got)
	}
	if p.Hops[1].Header.Raw != fields[1] {
		t.Errorf("raw text of the unparsable hop lost")
	}
	// The delay of the hop after it is measured from the nearest dated hop.
	if h := p.Hops[2]; !h.DelayKnown || h.Delay != 30*time.Second || h.DelayFrom != 0 {
		t.Errorf("hop 2: %v from %d", h.Delay, h.DelayFrom)
	}
	if p.Hops[0].DelayKnown || p.TotalKnown || p.DateKnown {
		t.Error("no Date field, yet a first-hop delay or total")
	}
}

func TestBuildPathBadDate(t *testing.T) {
	p := BuildPath(pathFields[:1], "sometime")
	if p.DateKnown || p.DateErr == nil {
		t.Errorf("bad Date: known %v err %v", p.DateKnown, p.DateErr)
	}
	if p.Hops[0].DelayKnown {
		t.Error("delay from an unreadable Date")
	}
}

func TestClearBetweenTLSIgnoresLoopbackAndUnknown(t *testing.T) {
	fields := []string{
		"from x.example.com (localhost [127.0.0.1]) by y.example.com with ESMTPS; Wed, 2 Dec 2026 13:00:03 +0000",
		"from m.example.com (localhost [127.0.0.1]) by x.example.com with ESMTP; Wed, 2 Dec 2026 13:00:02 +0000",
		"from w.example.com (w.example.com [192.0.2.3]) by m.example.com with mapi; Wed, 2 Dec 2026 13:00:01 +0000",
		"from v.example.net (v.example.net [192.0.2.4]) by w.example.com with ESMTPS; Wed, 2 Dec 2026 13:00:00 +0000",
	}
	if got := ClearBetweenTLS(BuildPath(fields, "")); got != nil {
		t.Errorf("ClearBetweenTLS = %v, want none (loopback and mapi hops)", got)
	}
}

func TestPathOf(t *testing.T) {
	fields := []Field{{"Subject", "x"}}
	for _, v := range pathFields {
		fields = append(fields, Field{"Received", v})
	}
	fields = append(fields, Field{"date", pathDate}, Field{"Date", "Thu, 3 Dec 2026 00:00:00 +0000"})
	got, want := PathOf(fields), BuildPath(pathFields, pathDate)
	if len(got.Hops) != len(want.Hops) || !got.Date.Equal(want.Date) || got.Total != want.Total {
		t.Errorf("PathOf = %d hops, date %v, total %v; want %d, %v, %v", len(got.Hops), got.Date, got.Total, len(want.Hops), want.Date, want.Total)
	}
}
