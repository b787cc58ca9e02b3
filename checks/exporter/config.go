// Package exporter answers Prometheus's probes the way blackbox_exporter
// does: /probe?module=M&target=T runs one relayctl check of T with module
// M's settings and answers with metrics from a registry made for that
// probe alone, so nothing is kept between probes.
package exporter

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/internal/textutil"
)

// The probers a module runs.
const (
	ProberDomain    = "domain"    // check domain: the registry's parts
	ProberIP        = "ip"        // check ip: PTR, HELO, lists, reputation
	ProberBlacklist = "blacklist" // blacklist ip / blacklist domain
	ProberSMTP      = "smtp"      // check smtp: one host's servers
)

var probers = []string{ProberDomain, ProberIP, ProberBlacklist, ProberSMTP}

// ErrConfig is the kind of every error of a bad config file.
var ErrConfig = errors.New("exporter: invalid config")

// Module is one entry of the config file's modules: which prober runs
// and with what settings. Zero values take the prober's defaults.
type Module struct {
	Prober string `yaml:"prober"`
	// Timeout caps the probe below the scrape timeout (0: no cap of its
	// own).
	Timeout time.Duration `yaml:"timeout"`
	// Resolvers are the DNS servers to ask (ADDR[:PORT]); empty means
	// the global --resolver, or the system's.
	Resolvers []string `yaml:"resolvers"`
	// domain: the parts to run (all when empty), DKIM selectors, and
	// whether to probe the MX hosts over SMTP too.
	Parts     []string `yaml:"parts"`
	Selectors []string `yaml:"selectors"`
	SMTP      bool     `yaml:"smtp"`
	// ip and blacklist: the zones instead of the catalog's defaults, and
	// zones left out.
	Lists   []string `yaml:"lists"`
	Exclude []string `yaml:"exclude"`
	// ip: the HELO name to check and whether to skip reputation.
	HELO         string `yaml:"helo"`
	NoReputation bool   `yaml:"no_reputation"`
	// smtp (and domain with smtp): the EHLO name, TLS from the first
	// byte, no trust/name findings.
	EHLO          string `yaml:"ehlo"`
	ImplicitTLS   bool   `yaml:"implicit_tls"`
	TLSSkipVerify bool   `yaml:"tls_skip_verify"`
	// CA is a PEM file of CA certificates trusted beside the system's
	// roots for this module's TLS (smtp, domain: MTA-STS, BIMI and the
	// MX probe), instead of serve's --ca.
	CA string `yaml:"ca"`
}

// Config is the config file: modules by name.
type Config struct {
	Modules map[string]Module `yaml:"modules"`
}

// DefaultConfig has one module per prober, named after it, with the
// prober's defaults.
func DefaultConfig() Config {
	c := Config{Modules: map[string]Module{}}
	for _, p := range probers {
		c.Modules[p] = Module{Prober: p}
	}
	return c
}

// LoadConfig reads a config file (YAML); its modules are added to the
// defaults, a module of the same name replacing the default one.
func LoadConfig(r io.Reader, name string) (Config, error) {
	var file Config
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, checks.NewError("exporter", ErrConfig, name+": "+yamlText(err))
	}
	c := DefaultConfig()
	for n, m := range file.Modules {
		if err := m.validate(); err != nil {
			return Config{}, checks.NewError("exporter", ErrConfig, fmt.Sprintf("%s: module %q: %s", name, n, err))
		}
		c.Modules[n] = m
	}
	return c, nil
}

func (m Module) validate() error {
	if !slices.Contains(probers, m.Prober) {
		return fmt.Errorf("prober %q: want one of %s", m.Prober, strings.Join(probers, ", "))
	}
	if m.Timeout < 0 {
		return fmt.Errorf("timeout %s: want a positive duration", m.Timeout)
	}
	return nil
}

var (
	yamlUnknownKey = regexp.MustCompile(`^(line \d+): field (\S+) not found in type \S+$`)
	yamlBadValue   = regexp.MustCompile("^(line \\d+): cannot unmarshal !!\\w+ `(.*)` into \\S+$")
)

// yamlText is the YAML parser's complaint in our words: no "yaml: "
// prefix and no Go type names.
func yamlText(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return textutil.LibraryText(err)
	}
	msgs := make([]string, len(te.Errors))
	for i, e := range te.Errors {
		switch {
		case yamlUnknownKey.MatchString(e):
			msgs[i] = yamlUnknownKey.ReplaceAllString(e, "$1: unknown key $2")
		case yamlBadValue.MatchString(e):
			msgs[i] = yamlBadValue.ReplaceAllString(e, "$1: $2 is not a valid value for its key")
		default:
			msgs[i] = e
		}
	}
	return strings.Join(msgs, "; ")
}
