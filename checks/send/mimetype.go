package send

import (
	"encoding/base64"
	"mime"
	"path/filepath"
	"strings"
)

var b64 = base64.StdEncoding

// knownTypes fixes the content types of common attachments, so that a
// message does not depend on the machine's /etc/mime.types.
var knownTypes = map[string]string{
	".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8",
	".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
	".md": "text/markdown; charset=utf-8", ".ics": "text/calendar; charset=utf-8",
	".json": "application/json", ".xml": "application/xml", ".pdf": "application/pdf",
	".zip": "application/zip", ".gz": "application/gzip", ".tar": "application/x-tar",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".webp": "image/webp", ".svg": "image/svg+xml", ".eml": "message/rfc822",
	".doc": "application/msword", ".xls": "application/vnd.ms-excel",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text", ".mp3": "audio/mpeg",
	".mp4": "video/mp4", ".asc": "application/pgp-signature", ".p7s": "application/pkcs7-signature",
}

// ContentType is the content type for a file name's extension:
// relayctl's own table, then the system's, then application/octet-stream.
func ContentType(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := knownTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
