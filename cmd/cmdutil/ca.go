package cmdutil

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/pflag"

	"github.com/relayctl/relayctl/checks/tlsx"
)

// caHelp is the one help text of --ca: every command that has the flag
// trusts the file the same way, in addition to the system's roots, so that
// a private CA and public hosts verify side by side.
const caHelp = "also trust the CA certificates in this PEM `FILE`%s, beside the system's roots (the same in every command)"

// CAFlag registers --ca on fs, bound to p. for, when not empty, says what
// the command verifies with it ("the HTTPS fetch").
func CAFlag(fs *pflag.FlagSet, p *string, forWhat string) {
	if forWhat != "" {
		forWhat = " for " + forWhat
	}
	fs.StringVar(p, "ca", "", fmt.Sprintf(caHelp, forWhat))
}

// LoadCA reads --ca: the system roots plus every certificate in the file
// (tlsx.LoadCA). Its errors are UsageErrors.
func LoadCA(path string) (*x509.CertPool, error) {
	pool, err := tlsx.LoadCA(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, Usage("cannot read --ca "+path, pe.Err)
		}
		return nil, Usage("cannot use --ca "+path, err)
	}
	return pool, nil
}
