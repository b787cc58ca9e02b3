package content

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// seeds adds the test messages to f's corpus.
func seeds(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/message/content-*.eml")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

// The URL extractor never panics, and every link it gives comes from
// the input and is within its bound.
func FuzzLinks(f *testing.F) {
	seeds(f)
	f.Add([]byte(`<a href="java&#x09;script:alert(1)">https://bank.example</a><img src=//[::1]:80/x>www.a.b`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var ls links
		ls.htmlLinks(b, "1")
		ls.textLinks(b, "1")
		if len(ls.list) > maxLinks || ls.total < len(ls.list) {
			t.Fatalf("%d links of %d", len(ls.list), ls.total)
		}
		for _, l := range ls.list {
			parseLink(l.raw)
			shownDomain(l.text)
		}
	})
}

// The MIME walker (and the whole check, without blocklists) never
// panics and stays within its bounds.
func FuzzWalk(f *testing.F) {
	seeds(f)
	f.Add([]byte("Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: message/rfc822\n\nContent-Type: multipart/mixed\n\n--a--"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, _ := walk(b)
		if len(tr.parts) > maxParts || tr.depth > maxDepth {
			t.Fatalf("%d parts, depth %d", len(tr.parts), tr.depth)
		}
		Check(context.Background(), offline(t), b, noLists)
	})
}
