package serve

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/cmd/cmdutil"
)

func testOptions(errOut io.Writer) *Options {
	return &Options{
		IO:             &cmdutil.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: errOut},
		Globals:        &cmdutil.Globals{Zones: []string{"../../testdata/zones"}, Offline: true, Timeout: 2 * time.Second, Output: "table", FailOn: "fail"},
		Listen:         "127.0.0.1:0",
		MaxConcurrent:  2,
		DefaultTimeout: 5 * time.Second,
		MaxTimeout:     10 * time.Second,
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServe runs the server over the offline zones, probes it over HTTP
// and stops it by cancelling the context, as SIGTERM does.
func TestServe(t *testing.T) {
	var stderr bytes.Buffer
	opts := testOptions(&stderr)
	ready := make(chan net.Addr, 1)
	opts.Ready = func(a net.Addr) { ready <- a }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, opts) }()
	var base string
	select {
	case a := <-ready:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("Run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not start")
	}

	code, body := get(t, base+"/probe?module=domain&target=example.com")
	if code != http.StatusOK {
		t.Fatalf("probe: %d %s", code, body)
	}
	// testdata/zones/example.com.zone keeps DMARC at p=none.
	for _, want := range []string{
		`relayctl_dmarc_policy{domain="example.com",policy="none"} 1`,
		`relayctl_finding{check="dmarc",code="dmarc.policy-none",severity="warn"} 1`,
		`relayctl_check_status{check="spf",status="ok"} 1`,
		"relayctl_probe_success ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("probe answer lacks %q", want)
		}
	}
	if code, body := get(t, base+"/probe?module=domain&target=bad..name"); code != http.StatusBadRequest {
		t.Errorf("a bad target: %d %s", code, body)
	}
	code, body = get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`relayctl_exporter_probes_total{module="domain",success="`,
		`relayctl_exporter_probes_rejected_total{reason="bad_request"} 1`,
		"relayctl_exporter_probes_in_flight 0",
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
	if !strings.Contains(stderr.String(), "relayctl: serving on http://127.0.0.1:") {
		t.Errorf("stderr: %q", stderr.String())
	}
}

func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(bad, []byte("modules:\n  x:\n    prober: ping\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badCA := filepath.Join(dir, "ca.yml")
	if err := os.WriteFile(badCA, []byte("modules:\n  mx:\n    prober: smtp\n    ca: "+filepath.Join(dir, "none.pem")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		adjust func(*Options)
		want   string
	}{
		{"max-concurrent", func(o *Options) { o.MaxConcurrent = 0 }, "invalid --max-concurrent 0"},
		{"max-timeout", func(o *Options) { o.MaxTimeout = 0 }, "invalid --probe-timeout or --max-timeout"},
		{"missing config", func(o *Options) { o.ConfigFile = filepath.Join(dir, "none.yml") }, "cannot read --config"},
		{"bad config", func(o *Options) { o.ConfigFile = bad }, `module "x": prober "ping"`},
		{"listen", func(o *Options) { o.Listen = "127.0.0.1:http-not-a-port" }, "cannot listen on --listen"},
		{"missing --ca", func(o *Options) { o.CAFile = filepath.Join(dir, "none.pem") }, "cannot read --ca"},
		{"module ca", func(o *Options) { o.ConfigFile = badCA }, `module "mx": ca `},
	} {
		opts := testOptions(io.Discard)
		tc.adjust(opts)
		err := Run(context.Background(), opts)
		var usage *cmdutil.UsageError
		if !errors.As(err, &usage) || !strings.Contains(cmdutil.ErrorText(err), tc.want) {
			t.Errorf("%s: %v, want a usage error with %q", tc.name, err, tc.want)
		}
	}
}

func TestFlags(t *testing.T) {
	var got *Options
	cmd := NewCmdServe(&cmdutil.IOStreams{Out: io.Discard, ErrOut: io.Discard}, &cmdutil.Globals{}, func(_ context.Context, o *Options) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"--listen", ":9999", "--config", "x.yml", "--max-concurrent", "3", "--probe-timeout", "4s", "--max-timeout", "30s"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Listen != ":9999" || got.ConfigFile != "x.yml" || got.MaxConcurrent != 3 || got.DefaultTimeout != 4*time.Second || got.MaxTimeout != 30*time.Second {
		t.Errorf("options: %+v", got)
	}
	cmd = NewCmdServe(&cmdutil.IOStreams{Out: io.Discard, ErrOut: io.Discard}, &cmdutil.Globals{}, func(context.Context, *Options) error { return nil })
	cmd.SetArgs([]string{"extra"})
	if err := cmd.Execute(); err == nil {
		t.Error("serve took an argument")
	}
}
