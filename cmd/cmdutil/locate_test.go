package cmdutil

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// A SARIF result points at the message file it is about, else at the
// policy file's line for the domain (or for "*"), else at nothing (the
// report names a path for the target).
func TestLocate(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	policy := "defaults:\n  timeout: 8s\nexpect:\n  \"*\":\n    dmarc.policy: quarantine\n  Example.COM:\n    dmarc.policy: reject\n"
	if err := os.WriteFile("relayctl.yaml", []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("mail", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("mail", "a.eml"), []byte("Subject: x\r\n\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := &Globals{}
	if err := g.LoadPolicy(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		target string
		path   string
		line   int
	}{
		{"example.com", "relayctl.yaml", 6},
		{"example.com.", "relayctl.yaml", 6},
		{"other.example", "relayctl.yaml", 4},
		{"mail/a.eml", "mail/a.eml", 1},
		{filepath.Join(dir, "mail", "a.eml"), "mail/a.eml", 1},
		{"mail", "relayctl.yaml", 4}, // a folder is no file to point at
	} {
		if path, line := g.locate(c.target, ""); path != c.path || line != c.line {
			t.Errorf("locate(%q) = %s:%d, want %s:%d", c.target, path, line, c.path, c.line)
		}
	}
	if path, _ := (&Globals{}).locate("example.com", ""); path != "" {
		t.Errorf("no policy, no file: locate = %q, want none", path)
	}
	// A message report: its target is the Message-ID, its source the
	// file (the Nth message of an mbox too).
	for _, source := range []string{"mail/a.eml", "mail/a.eml#3"} {
		if path, line := g.locate("<id@example.com>", source); path != "mail/a.eml" || line != 1 {
			t.Errorf("source %q: locate = %s:%d, want mail/a.eml:1", source, path, line)
		}
	}
	if path, line := g.locate("<id@example.com>", "-"); path != "relayctl.yaml" || line != 4 {
		t.Errorf("stdin: locate = %s:%d, want the policy's \"*\" line", path, line)
	}
}
