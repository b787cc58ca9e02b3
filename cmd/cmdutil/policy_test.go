package cmdutil

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// The file's defaults fill the flags the command line left alone; a flag
// given wins.
func TestLoadPolicyDefaults(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(p, []byte("defaults:\n  resolver: [192.0.2.53]\n  timeout: 8s\n  selectors: s9\n  fail-on: warn\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := &Globals{}
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	g.Register(fs)
	var sel []string
	fs.StringArrayVar(&sel, "selector", nil, "")
	if err := fs.Parse([]string{"--policy", p, "--timeout", "2s"}); err != nil {
		t.Fatal(err)
	}
	if err := g.LoadPolicy(context.Background(), fs, &sel); err != nil {
		t.Fatal(err)
	}
	if g.Timeout != 2*time.Second || g.FailOn != "warn" || !slices.Equal(g.Resolvers, []string{"192.0.2.53"}) || !slices.Equal(sel, []string{"s9"}) || g.Policy() == nil {
		t.Errorf("timeout %s fail-on %s resolvers %v selectors %v", g.Timeout, g.FailOn, g.Resolvers, sel)
	}

	// --selector on the command line wins too.
	g = &Globals{}
	fs = pflag.NewFlagSet("t", pflag.ContinueOnError)
	g.Register(fs)
	fs.StringArrayVar(&sel, "selector", nil, "")
	if err := fs.Parse([]string{"--policy", p, "--selector", "mine", "--fail-on", "never"}); err != nil {
		t.Fatal(err)
	}
	if err := g.LoadPolicy(context.Background(), fs, &sel); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sel, []string{"mine"}) || g.FailOn != "never" || g.Timeout != 8*time.Second {
		t.Errorf("selectors %v fail-on %s timeout %s", sel, g.FailOn, g.Timeout)
	}

	// No --policy and no relayctl.yaml here: no policy, no error.
	t.Chdir(t.TempDir())
	g = &Globals{}
	if err := g.LoadPolicy(context.Background(), nil, nil); err != nil || g.Policy() != nil {
		t.Errorf("no file: %v %v", err, g.Policy())
	}
	// A bad file is bad usage, with the place.
	if err := os.WriteFile("relayctl.yaml", []byte("defaults:\n  timeout: 8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// (A Globals reads its file once: a new run is a new Globals.)
	g = &Globals{}
	err := g.LoadPolicy(context.Background(), nil, nil)
	if code, _ := ExitCodeOf(err); code != 2 || !strings.Contains(ErrorText(err), "relayctl.yaml:2:12: bad timeout") {
		t.Errorf("bad file: %d %q", code, ErrorText(err))
	}
}

// LoadPolicy holds the file's codes against relayctl's code book: the
// example file loads, a mistyped code is bad usage with its place and the
// nearest real code.
func TestLoadPolicyKnownCodes(t *testing.T) {
	g := &Globals{PolicyFile: "../../checks/policy/testdata/relayctl.yaml"}
	if err := g.LoadPolicy(context.Background(), nil, nil); err != nil {
		t.Fatalf("example: %s", ErrorText(err))
	}
	p := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(p, []byte("severity:\n  dmarc.policy-nnoe: fail\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g = &Globals{PolicyFile: p}
	err := g.LoadPolicy(context.Background(), nil, nil)
	if code, _ := ExitCodeOf(err); code != 2 || !strings.Contains(ErrorText(err), p+`:2:3: unknown finding code "dmarc.policy-nnoe" (did you mean dmarc.policy-none`) {
		t.Errorf("typo: %d %q", code, ErrorText(err))
	}
}
