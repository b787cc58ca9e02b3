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

	"github.com/relayctl/relayctl/internal/textutil"
)

// Row is one message of a --batch file: its fields by column name, and
// its 1-based position among the data rows.
type Row struct {
	N      int
	Fields map[string]string
}

// Bounds on what one --batch file may ask for: rows, bytes, and the
// bytes of one line (a row of NDJSON, or a line of CSV: a quoted field
// may span lines). A 300 MB file of one line is refused at its first
// MiB, not read into memory.
const (
	maxBatchRows  = 10_000_000
	MaxBatchBytes = 1 << 30
	MaxLineBytes  = 1 << 20
	maxBatchText  = "1 GiB"
	maxLineText   = "1 MiB"
)

// ReadBatch reads a CSV file with a header row or an NDJSON file (one
// object per line); the format is taken from the first non-blank byte
// ('{' for NDJSON). Every row needs a non-empty "to".
func ReadBatch(r io.Reader) ([]Row, error) {
	lim := &limitReader{r: r}
	br := bufio.NewReader(lim)
	for {
		b, err := br.Peek(1)
		if errors.Is(err, io.EOF) {
			return nil, errorf(ErrBadInput, "batch: the file is empty")
		}
		if err != nil {
			return nil, batchReadError(err)
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

// limitReader fails a read past MaxBatchBytes, or past MaxLineBytes
// without a line end, saying which line.
type limitReader struct {
	r     io.Reader
	total int64
	line  int // line ends seen
	run   int // bytes since the last line end
}

// errTooBig is a file or a line over its bound.
type errTooBig struct{ line int }

func (e *errTooBig) Error() string { return "batch: " + e.words() }

// words says what is too big, for a person.
func (e *errTooBig) words() string {
	if e.line == 0 {
		return "the file is larger than " + maxBatchText
	}
	return fmt.Sprintf("line %d is longer than %s", e.line, maxLineText)
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if l.total++; l.total > MaxBatchBytes {
			return i, &errTooBig{}
		}
		if c == '\n' {
			l.line++
			l.run = 0
		} else if l.run++; l.run > MaxLineBytes {
			return i, &errTooBig{line: l.line + 1}
		}
	}
	return n, err
}

// batchReadError says what went wrong reading the file, in words.
func batchReadError(err error) error {
	var big *errTooBig
	if errors.As(err, &big) {
		return errorf(ErrBadInput, "batch: %s", big.words())
	}
	return wrap("batch: reading the file", err)
}

func readCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	head, err := cr.Read()
	if err != nil {
		if errors.As(err, new(*errTooBig)) || !errors.As(err, new(*csv.ParseError)) {
			return nil, batchReadError(err)
		}
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
			if errors.As(err, new(*errTooBig)) || !errors.As(err, new(*csv.ParseError)) {
				return nil, batchReadError(err)
			}
			return nil, errorf(ErrBadInput, "batch: row %d: %v", len(rows)+1, err)
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
	var rows []Row
	err := scanLines(r, "batch", func(line int, b []byte) error {
		if len(rows) >= maxBatchRows {
			return errorf(ErrBadInput, "batch: more than %d rows", maxBatchRows)
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || obj == nil {
			return errorf(ErrBadInput, "batch: line %d (row %d) is not a JSON object", line, len(rows)+1)
		}
		f := make(map[string]string, len(obj))
		for k, v := range obj {
			f[k] = jsonText(v)
		}
		rows = append(rows, Row{N: len(rows) + 1, Fields: f})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return checkRows(rows)
}

// scanLines calls fn with each non-blank line of r, trimmed, and its
// 1-based number; a line over MaxLineBytes is an error naming it.
func scanLines(r io.Reader, what string, fn func(line int, b []byte) error) error {
	st := &stickyReader{r: r}
	sc := bufio.NewScanner(st)
	sc.Buffer(make([]byte, 64*1024), MaxLineBytes+2) // the CRLF
	line := 0
	for sc.Scan() {
		if st.err != nil {
			// The scanner hands over what it holds after a failed read
			// as if at the end: a line cut short, not a line.
			break
		}
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if err := fn(line, b); err != nil {
			return err
		}
	}
	err := sc.Err()
	if st.err != nil {
		err = st.err
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bufio.ErrTooLong):
		return errorf(ErrBadInput, "%s: line %d is longer than %s", what, line+1, maxLineText)
	case errors.As(err, new(*errTooBig)):
		return batchReadError(err)
	default:
		return wrap(what+": reading the file", err)
	}
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
// for every row whose message needs no other try, its deciding record:
// sent, partial, rejected or unknown — or in flight, when the run that
// wrote it died before the message's outcome (the caller reports it as
// unknown). A row's later record replaces an in-flight or failed one; a
// final outcome is never replaced.
//
// A run killed while writing leaves a line cut short, and a resume
// appended to the same file (>>) glues its first record to it: a line
// that starts like a record but does not parse is searched for a whole
// record after the cut, else skipped. A line that is not a record at all
// means the wrong file was given.
func DoneRows(r io.Reader) (map[int]Record, error) {
	last := map[int]Record{}
	err := scanLines(r, "--skip-done", func(line int, b []byte) error {
		if b[0] != '{' {
			return errorf(ErrBadInput, "--skip-done: line %d is not a send record", line)
		}
		rec, ok := parseRecord(b)
		for i := 1; !ok && i < len(b); i++ {
			if b[i] == '{' && i+1 < len(b) && b[i+1] == '"' {
				rec, ok = parseRecord(b[i:])
			}
		}
		if !ok || rec.Row <= 0 {
			return nil
		}
		if prev, seen := last[rec.Row]; seen && prev.Done() && prev.Result != ResultInFlight {
			return nil
		}
		last[rec.Row] = rec
		return nil
	})
	if err != nil {
		return nil, err
	}
	for row, rec := range last {
		if !rec.Done() {
			delete(last, row)
		}
	}
	return last, nil
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

// stickyReader remembers its reader's first error other than io.EOF.
type stickyReader struct {
	r   io.Reader
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && s.err == nil {
		s.err = err
	}
	return n, err
}
