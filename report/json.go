package report

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"

	"github.com/relayctl/relayctl/checks"
)

// normalize gives the JSON the shape docs/contract.md promises whatever the check
// left unset: "checks", "findings" and "data" are never null; findings
// come worst first.
func normalize(rep checks.Report) checks.Report {
	if rep.SchemaVersion == 0 {
		rep.SchemaVersion = checks.SchemaVersion
	}
	cs := make([]checks.Result, len(rep.Checks))
	copy(cs, rep.Checks)
	for i := range cs {
		cs[i].Findings = worstFirst(cs[i].Findings)
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
type JSON struct{ v jsonValue[checks.Report] }

// NewJSON returns a JSON writer; single is true when the run has exactly
// one target.
func NewJSON(w io.Writer, single bool) *JSON {
	return &JSON{jsonValue[checks.Report]{w: w, single: single, normalize: normalize}}
}

// Write holds rep until Close.
func (j *JSON) Write(rep checks.Report) error { return j.v.Write(rep) }

// Close prints the value.
func (j *JSON) Close() error { return j.v.Close() }

// NDJSON writes one compact JSON object per line, as each report arrives,
// so a consumer can act on the first target before the last is done.
type NDJSON struct{ l jsonLines[checks.Report] }

// NewNDJSON returns a streaming NDJSON writer.
func NewNDJSON(w io.Writer) *NDJSON {
	return &NDJSON{jsonLines[checks.Report]{w: w, normalize: normalize}}
}

// Write prints rep on one line.
func (n *NDJSON) Write(rep checks.Report) error { return n.l.Write(rep) }

// Close does nothing: every line is already out.
func (n *NDJSON) Close() error { return nil }

// jsonValue is the one-value JSON output of reports and send records
// alike: it holds every item until Close, then prints the item itself
// when the run has a single one, else an array (never null).
type jsonValue[T any] struct {
	w         io.Writer
	single    bool
	normalize func(T) T
	mu        sync.Mutex
	items     []T
}

func (j *jsonValue[T]) Write(v T) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.items = append(j.items, j.normalize(v))
	return nil
}

func (j *jsonValue[T]) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	enc := json.NewEncoder(j.w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if j.single && len(j.items) == 1 {
		return enc.Encode(j.items[0])
	}
	if j.items == nil {
		j.items = []T{}
	}
	return enc.Encode(j.items)
}

// jsonLines is the NDJSON output of reports and send records alike: one
// compact line per item as it arrives.
type jsonLines[T any] struct {
	w         io.Writer
	normalize func(T) T
	mu        sync.Mutex
}

func (n *jsonLines[T]) Write(v T) error {
	b, err := marshalCompact(n.normalize(v))
	if err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	_, err = n.w.Write(b)
	return err
}

func (n *jsonLines[T]) Close() error { return nil }

func marshalCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // Encode ends the line with '\n'
		return nil, err
	}
	return buf.Bytes(), nil
}

// JSONArray prints a JSON array of reports one element at a time, in the
// layout of JSON, so that memory stays flat however many reports a bulk
// run has ("blacklist ip" with a file of addresses).
type JSONArray struct {
	w  io.Writer
	mu sync.Mutex
	n  int
}

// NewJSONArray returns a streaming JSON array writer.
func NewJSONArray(w io.Writer) *JSONArray { return &JSONArray{w: w} }

// Write prints rep as the next element.
func (j *JSONArray) Write(rep checks.Report) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	if err := enc.Encode(normalize(rep)); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	sep := ",\n  "
	if j.n == 0 {
		sep = "[\n  "
	}
	j.n++
	_, err := io.WriteString(j.w, sep+string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))))
	return err
}

// Close ends the array (an empty one when nothing was written).
func (j *JSONArray) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}
