package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// StringEnumFlag registers a string flag on fs whose value must be one of
// values (matched without regard to case, stored as spelled in values). It
// is the one helper for enum flags: it validates (a wrong value is an
// EnumError, bad usage, before any work), documents the values at the end
// of usage ("output `FORMAT`: table, json or ndjson"), and completes them
// once RegisterCompletions has run over the command tree.
func StringEnumFlag(fs *pflag.FlagSet, p *string, name, shorthand, defaultValue string, values []string, usage string) *pflag.Flag {
	*p = defaultValue
	v := &enumValue{p: p, name: name, values: values}
	return fs.VarPF(v, name, shorthand, usage+": "+OneOf(values, "or"))
}

// OneOf lists values for a person: "a, b or c".
func OneOf(values []string, conj string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " " + conj + " " + values[len(values)-1]
}

// enumValue is the pflag.Value of StringEnumFlag.
type enumValue struct {
	p      *string
	name   string
	values []string
}

func (e *enumValue) String() string { return *e.p }
func (e *enumValue) Type() string   { return "string" }

func (e *enumValue) Set(s string) error {
	for _, v := range e.values {
		if strings.EqualFold(s, v) {
			*e.p = v
			return nil
		}
	}
	return &EnumError{Flag: e.name, Value: s, Values: e.values}
}

// EnumError is a value outside an enum flag's values.
type EnumError struct {
	Flag   string
	Value  string
	Values []string
}

func (e *EnumError) Error() string { return e.Message() }

// Message is the text for a person: invalid --output "yaml": want table,
// json or ndjson.
func (e *EnumError) Message() string {
	return fmt.Sprintf("invalid --%s %q: want %s", e.Flag, e.Value, OneOf(e.Values, "or"))
}

// FlagError is the root's flag error function: every flag error is bad
// usage, and an enum flag's says it in its own words instead of pflag's
// ("invalid argument … for … flag").
func FlagError(_ *cobra.Command, err error) error {
	var enum *EnumError
	if errors.As(err, &enum) {
		return &UsageError{Err: enum}
	}
	return &UsageError{Err: err}
}

// RegisterCompletions makes the shell complete the values of every enum
// flag of cmd and its subcommands (persistent flags included).
func RegisterCompletions(cmd *cobra.Command) {
	seen := map[*pflag.Flag]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.PersistentFlags(), c.Flags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				e, ok := f.Value.(*enumValue)
				if !ok || seen[f] {
					return
				}
				seen[f] = true
				CompleteFlag(c, f.Name, func() []string { return e.values })
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cmd)
}

// CompleteFlag makes the shell complete the named flag of cmd with what
// values returns (the values that start with what was typed), and no
// file names.
func CompleteFlag(cmd *cobra.Command, name string, values func() []string) {
	// The flag is defined by the caller a line above; an error here would
	// be a name typed wrong, which the completion tests catch.
	_ = cmd.RegisterFlagCompletionFunc(name, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, v := range values() {
			if strings.HasPrefix(strings.ToLower(v), strings.ToLower(toComplete)) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}
