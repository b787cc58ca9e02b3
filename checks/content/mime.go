package content

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/checks/internal/mimex"
)

// Bounds of the MIME walk: a hostile message cannot make it recurse,
// allocate or loop without end. What lies beyond them is not read, and a
// finding says so.
const (
	// maxDepth bounds nesting of multiparts and message/rfc822 parts.
	maxDepth = 32
	// maxParts bounds the entities of one message.
	maxParts = 1000
	// maxHeader bounds the header section of one entity read.
	maxHeader = 256 << 10
)

// field is one header field, unfolded (RFC 5322 §2.2.3).
type field struct {
	name  string // as written
	value string
}

type header []field

// get is the value of the first field named name, trimmed; "" when none.
func (h header) get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			return strings.TrimSpace(f.value)
		}
	}
	return ""
}

// count is how many fields are named name.
func (h header) count(name string) int {
	n := 0
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			n++
		}
	}
	return n
}

// splitEntity splits an entity (LF line endings) into its header fields
// and body at the first empty line (RFC 5322 §2.1). Without one, the
// whole entity is header; a line that is no field and no continuation
// ends the header there (a tolerant reading of a broken message).
func splitEntity(b []byte) (header, []byte) {
	var h header
	pos := 0
	for pos < len(b) {
		end := bytes.IndexByte(b[pos:], '\n')
		next := len(b)
		line := b[pos:]
		if end >= 0 {
			line = b[pos : pos+end]
			next = pos + end + 1
		}
		if len(line) == 0 {
			return h, b[next:]
		}
		if pos > maxHeader {
			return h, b[pos:]
		}
		switch {
		case line[0] == ' ' || line[0] == '\t':
			if len(h) > 0 {
				h[len(h)-1].value += " " + strings.TrimSpace(string(line))
			}
		default:
			name, value, ok := bytes.Cut(line, []byte(":"))
			if !ok || len(bytes.TrimSpace(name)) == 0 || bytes.ContainsAny(name, " \t") {
				if len(h) == 0 {
					// No header at all: the entity is all body.
					return nil, b
				}
				return h, b[pos:]
			}
			h = append(h, field{name: string(name), value: string(value)})
		}
		pos = next
	}
	return h, nil
}

// part is one entity of the MIME tree (RFC 2045, RFC 2046).
type part struct {
	path     string // "1", "1.2": the part's place, as IMAP numbers them
	depth    int
	mtype    string // lower-case type/subtype; text/plain when absent
	params   map[string]string
	cte      string // lower-case Content-Transfer-Encoding; "" when absent
	disp     string // lower-case disposition type
	filename string
	raw      []byte // the body as sent (LF line endings)
	leaf     bool
}

// decoded is the part's body with its transfer encoding undone, cut at n
// bytes of input.
func (p *part) decoded(n int) []byte {
	raw := p.raw
	if len(raw) > n {
		raw = raw[:n]
	}
	return mimex.DecodeTransfer(raw, p.cte)
}

// attachment reports whether the part is a file rather than text to read.
func (p *part) attachment() bool {
	if !p.leaf {
		return false
	}
	if p.disp == "attachment" || p.filename != "" {
		return true
	}
	top, _, _ := strings.Cut(p.mtype, "/")
	switch top {
	case "text", "multipart", "message":
		return false
	}
	return true
}

// tree is what the walk found.
type tree struct {
	parts []*part
	// depth is the deepest nesting reached.
	depth int
	// problems in the tree's structure, each with the part's path.
	noBoundary, unclosed []string
	tooDeep, tooMany     bool
}

// walk reads the MIME tree of a message (LF line endings): every entity
// down to maxDepth, at most maxParts of them.
func walk(msg []byte) (*tree, header) {
	t := &tree{}
	h, body := splitEntity(msg)
	t.entity(h, body, "1", 0)
	return t, h
}

func (t *tree) entity(h header, body []byte, path string, depth int) {
	if len(t.parts) >= maxParts {
		t.tooMany = true
		return
	}
	if depth > maxDepth {
		t.tooDeep = true
		return
	}
	t.depth = max(t.depth, depth)
	mtype, params := mimex.MediaType(h.get("Content-Type"))
	if mtype == "" || !strings.Contains(mtype, "/") {
		mtype = "text/plain" // RFC 2045 §5.2
	}
	if params == nil {
		params = map[string]string{}
	}
	disp, dparams := mimex.MediaType(h.get("Content-Disposition"))
	p := &part{path: path, depth: depth, mtype: mtype, params: params, raw: body, disp: disp,
		cte: strings.ToLower(h.get("Content-Transfer-Encoding"))}
	p.filename = dparams["filename"]
	if p.filename == "" {
		p.filename = params["name"]
	}
	p.filename = mimex.DecodeWords(p.filename)
	t.parts = append(t.parts, p)

	switch {
	case strings.HasPrefix(mtype, "multipart/"):
		boundary := params["boundary"]
		if boundary == "" {
			t.noBoundary = append(t.noBoundary, path)
			p.leaf = true
			return
		}
		subs, closed := mimex.SplitMultipart(body, boundary)
		if !closed {
			t.unclosed = append(t.unclosed, path)
		}
		for i, sub := range subs {
			sh, sb := splitEntity(sub)
			t.entity(sh, sb, path+"."+strconv.Itoa(i+1), depth+1)
			if t.tooMany || t.tooDeep {
				return
			}
		}
	case mtype == "message/rfc822" || mtype == "message/global":
		inner := mimex.DecodeTransfer(body, p.cte)
		sh, sb := splitEntity(inner)
		t.entity(sh, sb, path+".1", depth+1)
	default:
		p.leaf = true
	}
}
