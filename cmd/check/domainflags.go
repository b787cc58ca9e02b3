package check

import (
	"crypto/x509"
	"errors"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/tlsx"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// domainTransportFlags are check domain's flags for its HTTPS fetches
// (the MTA-STS policy, the BIMI logo): --ca and --bimi-selector.
type domainTransportFlags struct {
	caFile       string
	bimiSelector string
}

func (f *domainTransportFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.caFile, "ca", "", "also trust the CA certificates in this PEM `FILE` (with the system's) for the MTA-STS policy and BIMI logo fetches and the --smtp probes")
	fs.StringVar(&f.bimiSelector, "bimi-selector", "", "BIMI `SELECTOR` to look up (default \"default\")")
}

// apply validates the flags and puts them into the audit options; its
// errors are UsageErrors (exit 2).
func (f *domainTransportFlags) apply(opts *Options) error {
	if opts.Globals != nil {
		opts.Audit.Timeout = opts.Globals.Timeout
	}
	if s := f.bimiSelector; s != "" {
		if strings.HasSuffix(s, ".") || strings.HasPrefix(s, "_") {
			return cmdutil.Usagef("invalid --bimi-selector %q", s)
		}
		if _, err := dnsx.Domain(s + "._bimi.example"); err != nil {
			return cmdutil.Usagef("invalid --bimi-selector %q: not a DNS label", s)
		}
		opts.Audit.BIMISelector = strings.ToLower(s)
	}
	if f.caFile != "" {
		pool, err := loadCA(f.caFile)
		if err != nil {
			return err
		}
		opts.Audit.RootCAs = pool
	}
	return nil
}

// loadCA reads --ca: the system roots plus every certificate in the file,
// the same for check domain (policy fetches, --smtp) and check smtp, so a
// private CA and public hosts verify side by side.
func loadCA(path string) (*x509.CertPool, error) {
	pool, err := tlsx.LoadCA(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, cmdutil.Usage("cannot read --ca "+path, pe.Err)
		}
		return nil, cmdutil.Usage("cannot use --ca "+path, err)
	}
	return pool, nil
}
