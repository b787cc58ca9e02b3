package report

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"

	"github.com/relayctl/relayctl/checks"
)

// normalize gives the JSON the shape SPEC.md promises whatever the check
// left unset: "checks", "findings" and "data" are never null.
func normalize(rep checks.Report) checks.Report {
	if rep.SchemaVersion == 0 {
		rep.SchemaVersion = checks.SchemaVersion
	}
	cs := make([]checks.Result, len(rep.Checks))
	copy(cs, rep.Checks)
	for i := range cs {
		if cs[i].Findings == nil {
			cs[i].Findings = []checks.Finding{}
		}
		if cs[i].Data == nil {
			cs[i].Data = struct{}{}
		}
	}
	rep.Checks = cs
	return rep
}

// JSON writes one indented JSON value on Close: the report object when the
// run has one target, an array of them when it has several.
type JSON struct {
	w       io.Writer
	single  bool
	mu      sync.Mutex
	reports []checks.Report
}

// NewJSON returns a JSON writer; single is true when the run has exactly
// one target.
func NewJSON(w io.Writer, single bool) *JSON {
	return &JSON{w: w, single: single}
}

// Write holds rep until Close.
func (j *JSON) Write(rep checks.Report) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.reports = append(j.reports, normalize(rep))
	return nil
}

// Close prints the value.
func (j *JSON) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	enc := json.NewEncoder(j.w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if j.single && len(j.reports) == 1 {
		return enc.Encode(j.reports[0])
	}
	if j.reports == nil {
		j.reports = []checks.Report{}
	}
	return enc.Encode(j.reports)
}

// NDJSON writes one compact JSON object per line, as each report arrives,
// so a consumer can act on the first target before the last is done.
type NDJSON struct {
	w  io.Writer
	mu sync.Mutex
}

// NewNDJSON returns a streaming NDJSON writer.
func NewNDJSON(w io.Writer) *NDJSON {
	return &NDJSON{w: w}
}

// Write prints rep on one line.
func (n *NDJSON) Write(rep checks.Report) error {
	b, err := marshalCompact(normalize(rep))
	if err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	_, err = n.w.Write(b)
	return err
}

// Close does nothing: every line is already out.
func (n *NDJSON) Close() error { return nil }

func marshalCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // Encode ends the line with '\n'
		return nil, err
	}
	return buf.Bytes(), nil
}
