package cmdutil

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/spf13/pflag"

	"github.com/relayctl/relayctl/checks/codebook"
	"github.com/relayctl/relayctl/checks/policy"
)

// LoadPolicy reads --policy, or relayctl.yaml in the working directory
// when --policy is not given and that file exists, and gives the global
// flags that flags (the command's flag set, which holds the inherited
// global flags) does not have set on the command line the file's
// defaults. selectors, when not nil, is the command's --selector value
// for the same treatment. A file that cannot be read or does not follow
// the schema is a UsageError (exit 2) that says where. The file is read
// once: a later call (Validate after a command's own, which passes its
// selectors) only fills selectors.
func (g *Globals) LoadPolicy(ctx context.Context, flags *pflag.FlagSet, selectors *[]string) error {
	if g == nil {
		return nil
	}
	changed := func(name string) bool { return flags != nil && flags.Changed(name) }
	if g.loaded {
		if p := g.policy; p != nil && selectors != nil && len(p.Defaults.Selectors) > 0 && !changed("selector") {
			*selectors = p.Defaults.Selectors
		}
		return nil
	}
	path := g.PolicyFile
	if path == "" {
		if _, err := os.Stat(policy.DefaultFile); errors.Is(err, fs.ErrNotExist) {
			g.loaded = true
			return nil
		}
		path = policy.DefaultFile
	}
	data, err := ReadFile(ctx, path)
	if err != nil {
		return Usage("cannot read --policy "+path, err)
	}
	p, err := policy.Parse(path, data, knownCodes())
	if err != nil {
		return Usage("invalid policy file", err)
	}
	d := p.Defaults
	if len(d.Resolvers) > 0 && !changed("resolver") {
		g.Resolvers = d.Resolvers
	}
	if d.Timeout > 0 && !changed("timeout") {
		g.Timeout = d.Timeout
	}
	if d.FailOn != "" && !changed("fail-on") {
		g.FailOn = d.FailOn
	}
	if selectors != nil && len(d.Selectors) > 0 && !changed("selector") {
		*selectors = d.Selectors
	}
	g.policy, g.loaded = p, true
	return nil
}

// knownCodes is every finding code relayctl explain knows, for the
// policy file's severity overrides and ignores to be held against.
func knownCodes() *policy.Known {
	all := codebook.All()
	k := &policy.Known{Codes: make([]string, len(all)), Nearest: func(code string) []string { return codebook.Nearest(code, 3) }}
	for i, e := range all {
		k.Codes[i] = e.Code
	}
	return k
}

// Policy is the policy file LoadPolicy read; nil for none.
func (g *Globals) Policy() *policy.Policy {
	if g == nil {
		return nil
	}
	return g.policy
}
