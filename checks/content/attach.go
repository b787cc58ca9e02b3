package content

import (
	"archive/zip"
	"bytes"
	"path"
	"strings"
)

// Bounds of the attachment checks.
const (
	// maxDecode bounds the bytes of one part decoded to sniff or read it.
	maxDecode = 32 << 20
	// maxArchiveEntries bounds the names read from one zip archive.
	maxArchiveEntries = 1000
)

// Attachment is one attachment (or inline file) of the message.
type Attachment struct {
	Part     string `json:"part"`
	Filename string `json:"filename"`
	Type     string `json:"type"`    // as declared
	Sniffed  string `json:"sniffed"` // what its first bytes are; "" when not known
	Size     int    `json:"size"`    // decoded, as far as maxDecode
	Inline   bool   `json:"inline"`
	// Risk is why it is risky: executable, macro, archive-executable,
	// double-extension, type-mismatch; "" when none.
	Risk []string `json:"risk"`
	// Archive lists the names inside a zip archive (at most 20).
	Archive []string `json:"archive,omitempty"`
}

// executableExt reports whether a file name's extension is one Windows
// (or a JVM, or a script host) runs when opened.
func executableExt(ext string) bool {
	switch ext {
	case ".exe", ".scr", ".js", ".jse", ".vbs", ".vbe", ".bat", ".cmd", ".com", ".msi", ".jar", ".ps1",
		".lnk", ".iso", ".img", ".pif", ".hta", ".wsf", ".cpl", ".dll", ".reg", ".vhd", ".vhdx", ".appx":
		return true
	}
	return false
}

// macroExt reports whether ext is a macro-enabled Office format.
func macroExt(ext string) bool {
	switch ext {
	case ".docm", ".xlsm", ".pptm", ".dotm", ".xltm", ".potm", ".ppsm", ".xlam", ".ppam":
		return true
	}
	return false
}

// documentExt reports whether ext is one a person takes for a document
// or picture: the first half of a double extension.
func documentExt(ext string) bool {
	switch ext {
	case ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".rtf", ".jpg", ".jpeg",
		".png", ".gif", ".htm", ".html", ".csv", ".odt", ".zip", ".mp3", ".mp4":
		return true
	}
	return false
}

// executableType reports whether a declared media type is a program.
func executableType(t string) bool {
	switch t {
	case "application/x-msdownload", "application/x-msdos-program", "application/x-dosexec",
		"application/x-executable", "application/x-ms-installer", "application/x-msi",
		"application/java-archive", "application/x-sh", "application/javascript",
		"application/x-javascript", "text/javascript", "application/hta", "application/x-iso9660-image",
		"application/vnd.microsoft.portable-executable":
		return true
	}
	return false
}

// sniff names what b's first bytes are by their magic numbers; "" when
// none is known.
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("MZ")):
		return "exe" // DOS/PE
	case bytes.HasPrefix(b, []byte("\x7fELF")):
		return "elf"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")), bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return "zip"
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "pdf"
	case bytes.HasPrefix(b, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "ole" // legacy Office, MSI
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "jpeg"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case bytes.HasPrefix(b, []byte("Rar!\x1a\x07")):
		return "rar"
	case bytes.HasPrefix(b, []byte("7z\xbc\xaf\x27\x1c")):
		return "7z"
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return "webp"
	}
	return ""
}

// declaredKind is the sniff name a declared media type promises; "" for
// a type that promises no particular magic.
func declaredKind(t string) string {
	switch t {
	case "image/png":
		return "png"
	case "image/jpeg", "image/jpg", "image/pjpeg":
		return "jpeg"
	case "image/gif":
		return "gif"
	case "image/webp":
		return "webp"
	case "application/pdf":
		return "pdf"
	case "application/zip", "application/x-zip-compressed":
		return "zip"
	case "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint":
		return "ole"
	case "application/x-rar-compressed", "application/vnd.rar":
		return "rar"
	case "application/x-7z-compressed":
		return "7z"
	}
	if strings.HasPrefix(t, "application/vnd.openxmlformats-officedocument.") {
		return "zip" // OOXML is a zip package
	}
	return ""
}

// ext is the lower-case extension of a file name, trailing dots and
// spaces aside (Windows drops them: "a.exe." opens as "a.exe").
func ext(name string) string {
	return strings.ToLower(path.Ext(strings.TrimRight(name, ". ")))
}

// doubleExtension reports whether name hides an executable behind a
// document's extension ("invoice.pdf.exe").
func doubleExtension(name string) bool {
	base := strings.TrimRight(name, ". ")
	last := ext(base)
	if !executableExt(last) {
		return false
	}
	inner := strings.TrimRight(strings.TrimSuffix(strings.ToLower(base), last), ". ")
	return documentExt(path.Ext(inner))
}

// archiveNames lists the names inside a zip archive, at most
// maxArchiveEntries; ok is false when b is not a readable zip.
func archiveNames(b []byte) (names []string, ok bool) {
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, false
	}
	for i, f := range r.File {
		if i >= maxArchiveEntries {
			break
		}
		names = append(names, f.Name)
	}
	return names, true
}

// judgeAttachment fills a's sniffed type and risks from the part.
func judgeAttachment(p *part, a *Attachment) {
	body := p.decoded(maxDecode)
	a.Size = len(body)
	a.Sniffed = sniff(body)
	e := ext(a.Filename)
	switch {
	case doubleExtension(a.Filename):
		a.Risk = append(a.Risk, "double-extension")
	case executableExt(e), executableType(a.Type), a.Sniffed == "exe", a.Sniffed == "elf":
		a.Risk = append(a.Risk, "executable")
	case macroExt(e), strings.Contains(a.Type, "macroenabled"):
		a.Risk = append(a.Risk, "macro")
	}
	if want := declaredKind(a.Type); a.Sniffed != "" && (want != "" && want != a.Sniffed ||
		(a.Sniffed == "exe" || a.Sniffed == "elf") && !executableType(a.Type) && a.Type != "application/octet-stream") {
		a.Risk = append(a.Risk, "type-mismatch")
	}
	// An OOXML document is a zip package of its own parts, not an archive.
	if a.Sniffed == "zip" && !strings.HasPrefix(a.Type, "application/vnd.openxmlformats") {
		names, ok := archiveNames(body)
		if !ok {
			a.Risk = append(a.Risk, "archive-unreadable")
			return
		}
		a.Archive = names[:min(len(names), 20)]
		for _, n := range names {
			if executableExt(ext(n)) {
				a.Risk = append(a.Risk, "archive-executable")
				break
			}
		}
	}
}
