package content

import (
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
)

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
func walk(msg []byte) (*tree, mimex.Header) {
	t := &tree{}
	h, body := mimex.SplitHeader(msg)
	t.entity(h, body, "1", 0)
	return t, h
}

func (t *tree) entity(h mimex.Header, body []byte, path string, depth int) {
	if len(t.parts) >= maxParts {
		t.tooMany = true
		return
	}
	if depth > maxDepth {
		t.tooDeep = true
		return
	}
	t.depth = max(t.depth, depth)
	mtype, params := mimex.MediaType(h.Get("content-type"))
	if mtype == "" || !strings.Contains(mtype, "/") {
		mtype = "text/plain" // RFC 2045 §5.2
	}
	if params == nil {
		params = map[string]string{}
	}
	disp, dparams := mimex.MediaType(h.Get("content-disposition"))
	p := &part{path: path, depth: depth, mtype: mtype, params: params, raw: body, disp: disp,
		cte: strings.ToLower(h.Get("content-transfer-encoding"))}
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
			sh, sb := mimex.SplitHeader(sub)
			t.entity(sh, sb, path+"."+strconv.Itoa(i+1), depth+1)
			if t.tooMany || t.tooDeep {
				return
			}
		}
	case mtype == "message/rfc822" || mtype == "message/global":
		inner := mimex.DecodeTransfer(body, p.cte)
		sh, sb := mimex.SplitHeader(inner)
		t.entity(sh, sb, path+".1", depth+1)
	default:
		p.leaf = true
	}
}
