package verify

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// MaxLine is the longest input line read: far past any address (254
// octets), short enough that a binary file cannot make a reader hold
// much.
const MaxLine = 64 * 1024

// LineError is a line of input that holds no address to verify: a CSV
// row without the column, a row the CSV reader cannot read.
type LineError struct {
	Source string // "FILE:LINE"
	Msg    string
}

func (e *LineError) Error() string   { return "verify: " + e.Message() }
func (e *LineError) Message() string { return e.Source + ": " + e.Msg }

// ErrInput is an input that cannot be read at all (a missing column
// header, a line past MaxLine); reading stops there.
var ErrInput = errors.New("verify: bad input")

// ReadList reads addresses one a line; blank lines and lines starting
// with # are skipped. Surrounding white space is dropped by the parser,
// not here, so that the record keeps the address as given.
func ReadList(r io.Reader, name string) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 4096), MaxLine)
		n := 0
		for sc.Scan() {
			n++
			line := strings.TrimRight(sc.Text(), "\r")
			t := strings.TrimSpace(line)
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			if n == 1 {
				line = strings.TrimPrefix(line, "\ufeff") // a byte order mark
			}
			if !yield(Input{Address: line, Source: name + ":" + strconv.Itoa(n)}, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			msg := "cannot read " + name
			if errors.Is(err, bufio.ErrTooLong) {
				msg = fmt.Sprintf("%s: line %d is longer than %d bytes", name, n+1, MaxLine)
				err = nil
			}
			yield(Input{}, &checks.Error{Pkg: "verify", Kind: ErrInput, Msg: msg, Err: err})
		}
	}
}

// ReadCSV reads the addresses of column (a header name, any case, or a
// 1-based number) of a CSV file whose first row is its header (RFC 4180;
// lines starting with # are comments). A row without the column is a
// *LineError and reading goes on.
func ReadCSV(r io.Reader, name, column string) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		cr := csv.NewReader(&limitedLines{r: bufio.NewReaderSize(r, 4096)})
		cr.Comment = '#'
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		header, err := cr.Read()
		if err != nil {
			if err == io.EOF {
				return
			}
			yield(Input{}, &checks.Error{Pkg: "verify", Kind: ErrInput, Msg: "cannot read the CSV header of " + name, Err: csvReason(err)})
			return
		}
		col := -1
		for i, h := range header {
			h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
			if strings.EqualFold(h, strings.TrimSpace(column)) {
				col = i
				break
			}
		}
		if n, err := strconv.Atoi(column); col < 0 && err == nil && n >= 1 && n <= len(header) {
			col = n - 1
		}
		if col < 0 {
			yield(Input{}, checks.NewError("verify", ErrInput, fmt.Sprintf("%s has no column %q (its header: %s)", name, column, strings.Join(header, ", "))))
			return
		}
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			var pe *csv.ParseError
			switch {
			case errors.As(err, &pe):
				if !yield(Input{}, &LineError{Source: name + ":" + strconv.Itoa(pe.Line), Msg: csvReason(err).Error()}) {
					return
				}
				continue
			case errors.Is(err, errLongLine):
				yield(Input{}, &checks.Error{Pkg: "verify", Kind: ErrInput, Msg: fmt.Sprintf("%s: a line is longer than %d bytes", name, MaxLine)})
				return
			case err != nil:
				yield(Input{}, &checks.Error{Pkg: "verify", Kind: ErrInput, Msg: "cannot read " + name, Err: err})
				return
			}
			line, _ := cr.FieldPos(0) // valid only after a record was read
			src := name + ":" + strconv.Itoa(line)
			if col >= len(rec) || strings.TrimSpace(rec[col]) == "" {
				if !yield(Input{}, &LineError{Source: src, Msg: fmt.Sprintf("no address in column %q", header[col])}) {
					return
				}
				continue
			}
			if !yield(Input{Address: rec[col], Source: src}, nil) {
				return
			}
		}
	}
}

// csvReason is a CSV error in our words: the line and what is wrong,
// without the csv package's prefix (its ParseError keeps its parts).
func csvReason(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	return err
}

var errLongLine = errors.New("line too long")

// limitedLines fails a read once a line passes MaxLine, so that the CSV
// reader never buffers more.
type limitedLines struct {
	r   *bufio.Reader
	cur int
}

func (l *limitedLines) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			l.cur = 0
		} else if l.cur++; l.cur > MaxLine {
			return 0, errLongLine
		}
	}
	return n, err
}
