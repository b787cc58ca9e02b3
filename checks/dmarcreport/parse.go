package dmarcreport

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// DefaultMaxSize bounds what one input may decompress to.
const DefaultMaxSize = 50 << 20

// maxNesting bounds containers inside containers (a zip in an email in
// an email…).
const maxNesting = 8

// Options tune Parse.
type Options struct {
	// MaxSize bounds the bytes one input may decompress to, in total
	// over everything it holds (a zip bomb stops here). 0 is
	// DefaultMaxSize.
	MaxSize int64
}

// Result is what Parse found in one input besides its records.
type Result struct {
	// Reports is the number of reports read (an aggregate report with
	// 20 records is one).
	Reports int
	// Records is the number of records emitted.
	Records int
	// Warnings are oddities read through: the meaning was still clear.
	Warnings []string
	// Problems are the parts that could not be read, each a
	// *checks.Error of kind ErrNotReport, ErrCorrupt or ErrTooLarge.
	// The other parts of the input were still read.
	Problems []error
}

type parser struct {
	ctx     context.Context
	emitF   func(Record) error
	budget  int64
	res     *Result
	reports int
	where   string // the part being read, for messages ("report.xml in the zip")
}

// Parse reads one input and calls emit with each record as it is read.
// It returns an error only when ctx is done or emit fails; what is wrong
// with the input is in the Result.
func Parse(ctx context.Context, data []byte, opt Options, emit func(Record) error) (Result, error) {
	var res Result
	p := &parser{ctx: ctx, emitF: emit, budget: opt.MaxSize, res: &res}
	if p.budget <= 0 {
		p.budget = DefaultMaxSize
	}
	err := p.any(data, 0)
	res.Reports = p.reports
	if errors.Is(err, errStop) {
		err = nil
	}
	return res, err
}

// errStop ends the reading of one part after its problem was recorded.
var errStop = errors.New("stop")

func (p *parser) emit(r Record) error {
	p.res.Records++
	return p.emitF(r)
}

func (p *parser) warn(msg string) {
	if p.where != "" {
		msg = p.where + ": " + msg
	}
	p.res.Warnings = append(p.res.Warnings, msg)
}

func (p *parser) problem(kind error, msg string, cause error) error {
	if p.where != "" {
		msg = p.where + ": " + msg
	}
	p.res.Problems = append(p.res.Problems, checks.WrapError("dmarcreport", kind, msg, cause))
	return errStop
}

func (p *parser) corrupt(msg string, cause error) error { return p.problem(ErrCorrupt, msg, cause) }
func (p *parser) notReport(msg string) error            { return p.problem(ErrNotReport, msg, nil) }

// Content is what Detect finds an input to be.
type Content string

// The kinds of content Detect tells apart.
const (
	ContentGzip  Content = "gzip"
	ContentZip   Content = "zip"
	ContentXML   Content = "xml"
	ContentJSON  Content = "json"
	ContentEmail Content = "email"
	ContentOther Content = "other"
)

// Detect says what data is from its first bytes: the gzip and zip magic
// numbers (RFC 1952 §2.3.1, the zip local file header), an XML or JSON
// document (after a byte order mark and white space), an email (a
// header field first), else other.
func Detect(data []byte) Content {
	switch {
	case len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b:
		return ContentGzip
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return ContentZip
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(t, []byte("<")):
		return ContentXML
	case bytes.HasPrefix(t, []byte("{")):
		return ContentJSON
	case looksLikeHeader(t):
		return ContentEmail
	}
	return ContentOther
}

// looksLikeHeader reports whether data starts with a header field
// (RFC 5322 §2.2: printable characters but colon, then a colon), or an
// mbox From_ line.
func looksLikeHeader(data []byte) bool {
	if bytes.HasPrefix(data, []byte("From ")) {
		return true
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	name, _, ok := bytes.Cut(line, []byte(":"))
	if !ok || len(name) == 0 || len(name) > 76 {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

func (p *parser) any(data []byte, nesting int) error {
	if nesting > maxNesting {
		return p.corrupt("containers are nested too deeply", nil)
	}
	if err := p.ctx.Err(); err != nil {
		return err
	}
	switch Detect(data) {
	case ContentGzip:
		return p.gzip(data, nesting)
	case ContentZip:
		return p.zip(data, nesting)
	case ContentXML:
		return parseAggregate(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), p)
	case ContentJSON:
		return parseTLSRPT(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), p)
	case ContentEmail:
		return p.email(data, nesting)
	}
	return p.notReport("neither a report (XML, JSON, gzip, zip) nor an email")
}

// take reserves n decompressed bytes of the budget.
func (p *parser) take(n int64) bool {
	if n > p.budget {
		return false
	}
	p.budget -= n
	return true
}

// readBounded reads r to its end or to the budget, whichever comes
// first; past the budget it is a problem of kind ErrTooLarge.
func (p *parser) readBounded(r io.Reader, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, p.budget+1))
	if int64(len(data)) > p.budget {
		return nil, p.problem(ErrTooLarge, fmt.Sprintf("%s decompresses to more than the limit of %d bytes (--max-size)", what, p.budget), nil)
	}
	p.take(int64(len(data)))
	return data, err
}

func (p *parser) gzip(data []byte, nesting int) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return p.corrupt("invalid gzip stream", ours(err))
	}
	// One member only: some reporters leave junk after the stream, which
	// a multistream reader would take for a broken second member.
	zr.Multistream(false)
	out, err := p.readBounded(zr, "the gzip stream")
	if errors.Is(err, errStop) {
		return err
	}
	if err != nil {
		if len(out) == 0 {
			return p.corrupt("invalid gzip stream", ours(err))
		}
		p.warn("the gzip stream is damaged (" + damage(err) + "): read what came before")
	}
	return p.any(out, nesting+1)
}

func (p *parser) zip(data []byte, nesting int) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return p.corrupt("invalid zip archive", ours(err))
	}
	found := 0
	outer := p.where
	defer func() { p.where = outer }()
	for _, f := range zr.File {
		// A folder inside the zip is only a path: its files are read.
		if f.FileInfo().IsDir() || strings.HasPrefix(pathBase(f.Name), ".") || strings.HasPrefix(f.Name, "__MACOSX/") {
			continue
		}
		if f.UncompressedSize64 > uint64(p.budget) {
			return p.problem(ErrTooLarge, fmt.Sprintf("%s in the zip says it is %d bytes, more than the limit of %d (--max-size)", f.Name, f.UncompressedSize64, p.budget), nil)
		}
		rc, err := f.Open()
		if err != nil {
			p.where = joinWhere(outer, f.Name)
			p.corrupt("cannot open the file in the zip", ours(err))
			continue
		}
		p.where = joinWhere(outer, f.Name)
		out, err := p.readBounded(rc, f.Name+" in the zip")
		rc.Close()
		if errors.Is(err, errStop) {
			return err
		}
		if err != nil {
			p.corrupt("damaged file in the zip", ours(err))
			continue
		}
		found++
		if err := p.any(out, nesting+1); err != nil && !errors.Is(err, errStop) {
			return err
		}
	}
	if found == 0 {
		p.where = outer
		return p.notReport("a zip archive with no file in it")
	}
	return nil
}

// damage says in our words what broke in a compressed or encoded
// stream, for a warning.
func damage(err error) string {
	switch {
	case errors.Is(err, gzip.ErrChecksum):
		return "its checksum does not match"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "it is truncated"
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, zip.ErrFormat):
		return "a header is invalid"
	case errors.Is(err, zip.ErrAlgorithm):
		return "it uses a compression method other than deflate"
	case errors.Is(err, zip.ErrChecksum):
		return "its checksum does not match"
	}
	var fe flate.CorruptInputError
	if errors.As(err, &fe) {
		return fmt.Sprintf("invalid compressed data at byte %d", int64(fe))
	}
	var ce base64.CorruptInputError
	if errors.As(err, &ce) {
		return fmt.Sprintf("invalid base64 at byte %d", int64(ce))
	}
	return "it cannot be decoded"
}

// ours is damage as an error, the cause of a problem.
func ours(err error) error { return errors.New(damage(err)) }

func pathBase(name string) string {
	if i := strings.LastIndex(strings.TrimSuffix(name, "/"), "/"); i >= 0 {
		return name[i+1:]
	}
	return name
}

func joinWhere(outer, name string) string {
	if outer == "" {
		return name
	}
	return outer + ": " + name
}

// ip returns an address in its canonical form: IPv6 compressed and lower
// case, IPv4-mapped IPv6 as IPv4, brackets and a zone dropped. What does
// not parse is kept as it was, with a warning.
func (p *parser) ip(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	t := strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if i := strings.IndexByte(t, '%'); i >= 0 {
		t = t[:i]
	}
	addr, err := netip.ParseAddr(t)
	if err != nil {
		p.warn(fmt.Sprintf("source address %q is not an IP address: kept as it is", s))
		return s
	}
	return addr.Unmap().String()
}
