package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func TestStringEnumFlag(t *testing.T) {
	var v string
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	f := StringEnumFlag(fs, &v, "tls", "", "auto", []string{"auto", "starttls", "none"}, "TLS `MODE`")
	if v != "auto" || f.DefValue != "auto" || f.Usage != "TLS `MODE`: auto, starttls or none" {
		t.Errorf("default %q, DefValue %q, usage %q", v, f.DefValue, f.Usage)
	}
	if err := fs.Parse([]string{"--tls", "STARTTLS"}); err != nil || v != "starttls" {
		t.Errorf("--tls STARTTLS: %v, %q", err, v)
	}
	err := fs.Parse([]string{"--tls", "sometimes"})
	var enum *EnumError
	if !errors.As(err, &enum) || enum.Message() != `invalid --tls "sometimes": want auto, starttls or none` || v != "starttls" {
		t.Errorf("--tls sometimes: %v (value %q)", err, v)
	}
	var usage *UsageError
	if e := FlagError(nil, err); !errors.As(e, &usage) || ErrorText(e) != enum.Message() {
		t.Errorf("FlagError: %v", e)
	}
	if e := FlagError(nil, errors.New("unknown flag: --x")); !errors.As(e, &usage) || !strings.Contains(ErrorText(e), "unknown flag") {
		t.Errorf("FlagError of another error: %v", e)
	}
}

func TestOneOf(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a", "a b": "a or b", "a b c": "a, b or c"} {
		if got := OneOf(strings.Fields(in), "or"); got != want {
			t.Errorf("OneOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// RegisterCompletions finds enum flags, persistent ones included, in the
// whole tree.
func TestRegisterCompletions(t *testing.T) {
	root := &cobra.Command{Use: "r"}
	sub := &cobra.Command{Use: "s", Run: func(*cobra.Command, []string) {}}
	root.AddCommand(sub)
	var a, b string
	StringEnumFlag(root.PersistentFlags(), &a, "output", "o", "x", []string{"x", "y"}, "out")
	StringEnumFlag(sub.Flags(), &b, "mode", "", "p", []string{"p", "q"}, "mode")
	RegisterCompletions(root)
	for _, c := range []struct {
		cmd  *cobra.Command
		flag string
	}{{root, "output"}, {sub, "mode"}} {
		fn, ok := c.cmd.GetFlagCompletionFunc(c.flag)
		if !ok {
			t.Errorf("--%s has no completion", c.flag)
			continue
		}
		got, dir := fn(c.cmd, nil, "")
		if len(got) != 2 || dir != cobra.ShellCompDirectiveNoFileComp {
			t.Errorf("--%s completes %q, %d", c.flag, got, dir)
		}
	}
}
