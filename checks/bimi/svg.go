package bimi

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/relayctl/relayctl/internal/textutil"
)

const svgNS = "http://www.w3.org/2000/svg"

// maxSVGSize bounds an indicator after gzip decompression (SVGZ).
const maxSVGSize = 1 << 20

// Errors from inspectSVG.
var (
	ErrNotSVG = errors.New("bimi: not an SVG document")
)

// SVGInfo is what the check learned from the indicator document.
type SVGInfo struct {
	// Compressed is true for an SVGZ (gzip) document.
	Compressed bool   `json:"compressed,omitempty"`
	Title      string `json:"title,omitempty"`
	// BaseProfile and Version are the root element's attributes;
	// TinyPS is true when the document follows the SVG Tiny
	// Portable/Secure profile as far as this check can tell, and
	// Problems says where it does not.
	BaseProfile string   `json:"base_profile,omitempty"`
	Version     string   `json:"version,omitempty"`
	TinyPS      bool     `json:"tiny_ps"`
	Problems    []string `json:"problems,omitempty"`
}

// forbidden are elements the SVG Tiny PS profile leaves out: scripts,
// embedded content, animation, and references to other documents.
var forbidden = map[string]string{
	"script":           "a script",
	"foreignObject":    "foreign content",
	"image":            "an embedded image",
	"animate":          "animation",
	"animateMotion":    "animation",
	"animateTransform": "animation",
	"animateColor":     "animation",
	"set":              "animation",
	"a":                "a link",
}

// inspectSVG reads an indicator: it must be an XML document whose root
// element is svg (§7.6 step 2), gzip-compressed or not; then the SVG Tiny
// PS rules that can be seen without rendering are checked.
func inspectSVG(body []byte) (SVGInfo, error) {
	var info SVGInfo
	if len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b {
		info.Compressed = true
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return info, notSVGf("broken gzip data")
		}
		plain, err := io.ReadAll(io.LimitReader(zr, maxSVGSize+1))
		if err != nil {
			return info, notSVGf("broken gzip data")
		}
		if len(plain) > maxSVGSize {
			return info, notSVGf("larger than 1 MiB once decompressed")
		}
		body = plain
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	depth := 0
	rootSeen := false
	inTitle := false
	var title strings.Builder
	seenProblem := map[string]bool{}
	problem := func(s string) {
		if !seenProblem[s] {
			seenProblem[s] = true
			info.Problems = append(info.Problems, s)
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return info, notSVGf("malformed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if !rootSeen {
				rootSeen = true
				if t.Name.Local != "svg" {
					return info, notSVGf("the root element is <%s>, not <svg>", t.Name.Local)
				}
				if t.Name.Space != svgNS {
					problem("the svg element lacks xmlns=\"" + svgNS + "\"")
				}
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "baseProfile":
						info.BaseProfile = a.Value
					case "version":
						info.Version = a.Value
					case "x", "y":
						problem("the svg element has an " + a.Name.Local + "= attribute")
					}
				}
				continue
			}
			if depth == 2 && t.Name.Local == "title" {
				inTitle = true
			}
			if what, bad := forbidden[t.Name.Local]; bad {
				problem("it contains " + what + " (<" + t.Name.Local + ">)")
			}
			for _, a := range t.Attr {
				if a.Name.Local == "href" && !strings.HasPrefix(strings.TrimSpace(a.Value), "#") {
					problem("it refers to another document (" + textutil.Clip(a.Value, 80) + ")")
				}
			}
		case xml.EndElement:
			depth--
			if inTitle && t.Name.Local == "title" {
				inTitle = false
			}
		case xml.CharData:
			if inTitle && title.Len() < 200 {
				title.Write(t)
			}
		}
	}
	if !rootSeen {
		return info, notSVGf("no XML element at all")
	}
	info.Title = strings.TrimSpace(title.String())
	if info.BaseProfile != "tiny-ps" {
		problem(fmt.Sprintf("baseProfile is %q, not \"tiny-ps\"", info.BaseProfile))
	}
	if info.Version != "1.2" {
		problem(fmt.Sprintf("version is %q, not \"1.2\"", info.Version))
	}
	if info.Title == "" {
		problem("it has no <title> (the brand name)")
	}
	info.TinyPS = len(info.Problems) == 0
	return info, nil
}

// notSVG is an ErrNotSVG that keeps why apart, for the finding to quote.
type notSVG struct{ why string }

func notSVGf(format string, args ...any) error {
	return &notSVG{why: fmt.Sprintf(format, args...)}
}

func (e *notSVG) Error() string        { return ErrNotSVG.Error() + ": " + e.why }
func (e *notSVG) Message() string      { return "not an SVG document: " + e.why }
func (e *notSVG) Is(target error) bool { return target == ErrNotSVG }
