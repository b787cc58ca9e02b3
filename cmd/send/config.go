package send

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// Environment variables that carry secrets: never flag values, which
// other users can read from the process list and shells keep in history.
const (
	EnvPassword = "RELAYCTL_PASSWORD"
	EnvToken    = "RELAYCTL_TOKEN"
)

// usageErr makes an input error from checks/send bad usage (exit 2); its
// message for a person carries no package name.
func usageErr(err error) error {
	return &cmdutil.UsageError{Err: err}
}

// config turns the connection, TLS, AUTH and retry flags into a
// send.Config. Every error is bad usage.
func (o *Options) config() (*send.Config, error) {
	cfg := &send.Config{
		Timeout:     o.Globals.Timeout,
		DataTimeout: o.DataTimeout,
		Retries:     o.Retries,
		RetryDelay:  o.RetryDelay,
		SkipVerify:  o.SkipVerify,
		TLSVerify:   o.TLSVerify,
		MXPort:      o.MXPort,
		Now:         o.Now,
	}
	var err error
	if cfg.TLS, err = send.ParseTLSMode(o.TLS); err != nil {
		return nil, usageErr(err)
	}
	if cfg.Auth, err = send.ParseAuth(o.Auth); err != nil {
		return nil, usageErr(err)
	}
	if o.Server != "" {
		if err := send.NoSingleLine("--server", o.Server); err != nil {
			return nil, usageErr(err)
		}
		if _, _, err := send.ParseServer(o.Server, send.SubmissionPort); err != nil {
			return nil, usageErr(err)
		}
		cfg.Server = o.Server
	}
	if o.Retries < 0 {
		return nil, cmdutil.Usagef("invalid --retries %d: want 0 or more", o.Retries)
	}
	if o.RetryDelay <= 0 {
		return nil, cmdutil.Usagef("invalid --retry-delay %s: want a positive duration", o.RetryDelay)
	}
	if o.DataTimeout <= 0 {
		return nil, cmdutil.Usagef("invalid --data-timeout %s: want a positive duration", o.DataTimeout)
	}
	if o.EHLO != "" {
		if err := send.NoSingleLine("--ehlo", o.EHLO); err != nil {
			return nil, usageErr(err)
		}
		if err := smtpwire.ValidEHLOName(o.EHLO); err != nil {
			return nil, cmdutil.Usage(fmt.Sprintf("invalid --ehlo %q", o.EHLO), err)
		}
		cfg.EHLO = o.EHLO
	}
	if o.TLSVerify && o.SkipVerify {
		return nil, cmdutil.Usagef("--tls-verify and --tls-skip-verify contradict each other: pick one")
	}
	if o.CA != "" {
		if o.SkipVerify {
			return nil, cmdutil.Usagef("--ca and --tls-skip-verify contradict each other: pick one")
		}
		pool, err := cmdutil.LoadCA(o.CA)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if err := o.credentials(cfg); err != nil {
		return nil, err
	}
	if err := o.dsnAndQuit(cfg); err != nil {
		return nil, err
	}
	if o.Verbose {
		cfg.Transcript = send.NewTranscript(o.IO.ErrOut)
	}
	return cfg, nil
}

// credentials reads the password and token from the environment or their
// files; --user turns AUTH on.
func (o *Options) credentials(cfg *send.Config) error {
	if o.User == "" {
		if o.PasswordFile != "" || o.TokenFile != "" {
			return cmdutil.Usagef("--password-file and --token-file need --user NAME")
		}
		if cfg.Auth != "auto" {
			return cmdutil.Usagef("--auth %s needs --user NAME", cfg.Auth)
		}
		return nil
	}
	if name, _, ok := strings.Cut(o.User, ":"); ok {
		// user:password, curl style: what follows the colon is never
		// echoed, and never taken from the command line.
		return cmdutil.Usagef("--user %s:… has a colon: a password never goes on the command line (process lists and shell history show it); give the user name alone and the password in %s or --password-file", clipName(name), EnvPassword)
	}
	if err := send.NoSingleLine("--user", o.User); err != nil {
		return usageErr(err)
	}
	cfg.User = o.User
	var err error
	if cfg.Password, err = secretFrom(o.PasswordFile, "--password-file", o.IO.Getenv(EnvPassword)); err != nil {
		return err
	}
	if cfg.Token, err = secretFrom(o.TokenFile, "--token-file", o.IO.Getenv(EnvToken)); err != nil {
		return err
	}
	switch {
	case cfg.Password == "" && cfg.Token == "":
		return cmdutil.Usagef("--user %s needs a password (%s or --password-file) or a token (%s or --token-file)", o.User, EnvPassword, EnvToken)
	case cfg.Auth == send.MechXOAUTH2 && cfg.Token == "":
		return cmdutil.Usagef("--auth XOAUTH2 needs a token: %s or --token-file", EnvToken)
	case cfg.Auth != "auto" && cfg.Auth != send.MechXOAUTH2 && cfg.Password == "":
		return cmdutil.Usagef("--auth %s needs a password: %s or --password-file", cfg.Auth, EnvPassword)
	}
	if cfg.TLS == send.TLSNone && !o.InsecureAuth {
		return cmdutil.Usagef("--tls none with --user would send credentials in clear: add --insecure-auth if that is really meant")
	}
	cfg.InsecureAuth = o.InsecureAuth
	return nil
}

// secretFrom reads a secret's file (its first line) or takes the
// environment's value. The error never quotes the file's content.
func secretFrom(file, flag, env string) (string, error) {
	if file == "" {
		return strings.TrimRight(env, "\r\n"), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", cmdutil.Usagef("cannot read %s %s: %v", flag, file, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return "", cmdutil.Usagef("%s %s is empty", flag, file)
	}
	return line, nil
}

// parseRate reads --rate in the syntax every command shares
// (cmdutil.ParseRate), as messages per second.
func parseRate(s string) (float64, error) {
	r, err := cmdutil.ParseRate(s)
	return r.PerSecond(), err
}

// clipName is a user name fit to echo: at most 64 bytes, control
// characters shown as '?'.
func clipName(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// dsnAndQuit reads --quit-after and the DSN flags (RFC 3461).
func (o *Options) dsnAndQuit(cfg *send.Config) error {
	var err error
	if o.QuitAfter != "" {
		if cfg.QuitAfter, err = send.ParseQuitAfter(o.QuitAfter); err != nil {
			return usageErr(err)
		}
		if cfg.QuitAfter == "auth" && !cfg.HasCredentials() {
			return cmdutil.Usagef("--quit-after auth needs --user NAME and its password or token")
		}
		if o.DryRun {
			return cmdutil.Usagef("--quit-after and --dry-run do not go together: one tests the server, the other connects to nothing")
		}
	}
	if o.DSNNotify != "" {
		if cfg.DSNNotify, err = send.ParseDSNNotify(o.DSNNotify); err != nil {
			return usageErr(err)
		}
	}
	if o.DSNRet != "" {
		if cfg.DSNRet, err = send.ParseDSNRet(o.DSNRet); err != nil {
			return usageErr(err)
		}
	}
	if o.EnvID != "" {
		if err := send.CheckEnvID(o.EnvID); err != nil {
			return usageErr(err)
		}
		cfg.EnvID = o.EnvID
	}
	return nil
}
