// Command tracecheck reads the trace of one message with
// checks/received: every Received field as a hop, the path's delays and
// the receiving hop's facts, printed as JSON for jq.
// scripts/postfix-send-e2e.sh runs it on a message read back from
// Postfix's Maildir, so the parser meets the header a real Postfix wrote.
//
//	tracecheck MESSAGE
//
// It exits 1 when a Received field cannot be read, 2 on usage errors.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/received"
)

type hop struct {
	Index   int              `json:"index"`
	Header  *received.Header `json:"header"`
	DelayS  *float64         `json:"delay_s"`
	Problem string           `json:"error,omitempty"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tracecheck MESSAGE")
		os.Exit(2)
	}
	fields, err := readHeader(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	p := received.PathOf(fields)
	out := struct {
		Hops     []hop          `json:"hops"`
		Unparsed []int          `json:"unparsed"`
		Facts    received.Facts `json:"facts"`
	}{Unparsed: received.Unparsed(p), Facts: received.TraceFacts(fields, received.Options{})}
	for _, h := range p.Hops {
		o := hop{Index: h.Index, Header: h.Header, Problem: checks.Message(h.Err)}
		if h.DelayKnown {
			d := h.Delay.Seconds()
			o.DelayS = &d
		}
		out.Hops = append(out.Hops, o)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if len(out.Unparsed) > 0 {
		os.Exit(1)
	}
}

// readHeader returns the header fields of a message file in order,
// unfolded lines joined with their line breaks kept.
func readHeader(path string) ([]received.Field, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var fields []received.Field
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(fields) > 0 {
			fields[len(fields)-1].Value += "\r\n" + line
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s: not a header line: %q", path, line)
		}
		fields = append(fields, received.Field{Name: name, Value: strings.TrimLeft(value, " \t")})
	}
	return fields, sc.Err()
}
