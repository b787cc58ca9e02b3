package send

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/template"

	"github.com/relayctl/relayctl/checks/internal/textutil"
)

// Row is one message of a --batch file: its fields by column name, and
// its 1-based position among the data rows.
type Row struct {
	N      int
	Fields map[string]string
}

// maxBatchRows bounds what one file may ask for.
const maxBatchRows = 10_000_000

// ReadBatch reads a CSV file with a header row or an NDJSON file (one
// object per line); the format is taken from the first non-blank byte
// ('{' for NDJSON). Every row needs a non-empty "to".
func ReadBatch(r io.Reader) ([]Row, error) {
	br := bufio.NewReader(r)
	for {
		b, err := br.Peek(1)
		if err != nil {
			return nil, errorf(ErrBadInput, "batch: the file is empty")
		}
		if b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n' {
			br.ReadByte()
			continue
		}
		if b[0] == 0xEF { // a UTF-8 byte order mark
			if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
				br.Discard(3)
				continue
			}
		}
		if b[0] == '{' {
			return readNDJSON(br)
		}
		return readCSV(br)
	}
}

func readCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	head, err := cr.Read()
	if err != nil {
		return nil, errorf(ErrBadInput, "batch: header row: %v", err)
	}
	names := make([]string, len(head))
	seen := map[string]bool{}
	for i, h := range head {
		names[i] = strings.TrimSpace(h)
		if names[i] == "" {
			return nil, errorf(ErrBadInput, "batch: column %d has no name in the header row", i+1)
		}
		if seen[strings.ToLower(names[i])] {
			return nil, errorf(ErrBadInput, "batch: column %q appears twice", names[i])
		}
		seen[strings.ToLower(names[i])] = true
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, errorf(ErrBadInput, "batch: %v", err)
		}
		if len(rows) >= maxBatchRows {
			return nil, errorf(ErrBadInput, "batch: more than %d rows", maxBatchRows)
		}
		f := make(map[string]string, len(names))
		for i, n := range names {
			f[n] = rec[i]
		}
		rows = append(rows, Row{N: len(rows) + 1, Fields: f})
	}
	return checkRows(rows)
}

func readNDJSON(r io.Reader) ([]Row, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	var rows []Row
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if len(rows) >= maxBatchRows {
			return nil, errorf(ErrBadInput, "batch: more than %d rows", maxBatchRows)
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || obj == nil {
			return nil, errorf(ErrBadInput, "batch: line %d is not a JSON object", line)
		}
		f := make(map[string]string, len(obj))
		for k, v := range obj {
			f[k] = jsonText(v)
		}
		rows = append(rows, Row{N: len(rows) + 1, Fields: f})
	}
	if err := sc.Err(); err != nil {
		return nil, errorf(ErrBadInput, "batch: %v", err)
	}
	return checkRows(rows)
}

// jsonText is a JSON value as template text: strings as they are, arrays
// joined with ", " (a list of addresses), the rest as JSON.
func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = jsonText(e)
		}
		return strings.Join(parts, ", ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func checkRows(rows []Row) ([]Row, error) {
	if len(rows) == 0 {
		return nil, errorf(ErrBadInput, "batch: no rows")
	}
	for _, r := range rows {
		if strings.TrimSpace(r.Get("to")) == "" {
			return nil, errorf(ErrBadInput, "batch: row %d has no \"to\"", r.N)
		}
	}
	return rows, nil
}

// Get is a field by name, the exact name first, then any case.
func (r Row) Get(name string) string {
	if v, ok := r.Fields[name]; ok {
		return v
	}
	for k, v := range r.Fields {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Template is a flag value with {{.field}} references to a row's fields
// (Go text/template; a field the row lacks is an error, not "<no value>").
type Template struct {
	src string
	t   *template.Template
}

// ParseTemplate parses a flag value as a template.
func ParseTemplate(what, src string) (*Template, error) {
	t, err := template.New(what).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, errorf(ErrBadInput, "%s: %v", what, textutil.LibraryText(err))
	}
	return &Template{src: src, t: t}, nil
}

// Execute fills the template from row.
func (t *Template) Execute(row Row) (string, error) {
	if t == nil {
		return "", nil
	}
	if !strings.Contains(t.src, "{{") {
		return t.src, nil
	}
	var b strings.Builder
	if err := t.t.Execute(&b, row.Fields); err != nil {
		return "", errorf(ErrBadInput, "row %d: %v", row.N, textutil.LibraryText(err))
	}
	return b.String(), nil
}

// DoneRows reads the records of an earlier run (--skip-done) and returns,
// for every row whose message needs no other try (sent, rejected, or
// unknown), the recipients it was for.
//
// A run killed while writing leaves a line cut short, and a resume
// appended to the same file (>>) glues its first record to it: a line
// that starts like a record but does not parse is searched for a whole
// record after the cut, else skipped. A line that is not a record at all
// means the wrong file was given.
func DoneRows(r io.Reader) (map[int][]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	done := map[int][]string{}
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if b[0] != '{' {
			return nil, errorf(ErrBadInput, "--skip-done: line %d is not a send record", line)
		}
		rec, ok := parseRecord(b)
		for i := 1; !ok && i < len(b); i++ {
			if b[i] == '{' && i+1 < len(b) && b[i+1] == '"' {
				rec, ok = parseRecord(b[i:])
			}
		}
		if ok && rec.Row > 0 && rec.Done() {
			done[rec.Row] = rec.To
		}
	}
	if err := sc.Err(); err != nil {
		return nil, errorf(ErrBadInput, "--skip-done: %v", err)
	}
	return done, nil
}

func parseRecord(b []byte) (Record, bool) {
	var rec Record
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, false
	}
	return rec, rec.Result != ""
}

// SameRecipients compares two recipient lists as sets, ignoring case.
func SameRecipients(a, b []string) bool {
	norm := func(l []string) []string {
		out := make([]string, len(l))
		for i, s := range l {
			out[i] = strings.ToLower(s)
		}
		sort.Strings(out)
		return out
	}
	x, y := norm(dedupe(a)), norm(dedupe(b))
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}
