package report

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/dmarcreport"
	"github.com/relayctl/relayctl/checks/imapfetch"
	"github.com/relayctl/relayctl/checks/reportstore"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/internal/textutil"
)

// FetchOptions is what "report fetch" runs with.
type FetchOptions struct {
	IO           *cmdutil.IOStreams
	Globals      *cmdutil.Globals
	URL          string
	PasswordFile string
	CA           string
	MoveTo       string
	DB           string
	MaxSize      int64
}

// passwordEnv names the environment variable of the IMAP password.
const passwordEnv = "RELAYCTL_IMAP_PASSWORD"

// NewCmdFetch returns "report fetch".
func NewCmdFetch(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *FetchOptions) error) *cobra.Command {
	opts := &FetchOptions{IO: ios, Globals: g, MaxSize: dmarcreport.DefaultMaxSize}
	cmd := &cobra.Command{
		Use:   "fetch --imap imaps://USER@HOST[:PORT]/MAILBOX",
		Short: "Read report emails from an IMAP mailbox",
		Long: `Read the report emails of an IMAP mailbox and parse them as "report parse"
does (records on stdout, --db to store them). imaps:// is implicit TLS
(port 993), imap:// STARTTLS (port 143); the server's certificate is
always verified: --ca adds a CA file to the system's roots, as in every
command. The password comes from ` + passwordEnv + ` or --password-file,
never from a flag or the URL. --move-to moves each message read to that
mailbox (created if missing), so the next fetch reads only new mail.
--timeout bounds each step (connect, TLS, each command).`,
		Example: `  RELAYCTL_IMAP_PASSWORD=... relayctl report fetch --imap imaps://dmarc@mail.example.com/INBOX --db reports.sqlite --move-to Archive
  relayctl report fetch --imap imap://dmarc@127.0.0.1:42143/INBOX --password-file pw --ca test-ca.pem -o ndjson`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.URL == "" {
				return cmdutil.Usagef("--imap imaps://USER@HOST[:PORT]/MAILBOX is required")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runFetch(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.URL, "imap", "", "the mailbox, as imaps://USER@HOST[:PORT]/MAILBOX (imap:// for STARTTLS)")
	f.StringVar(&opts.PasswordFile, "password-file", "", "read the IMAP password from this `FILE` (else from "+passwordEnv+")")
	cmdutil.CAFlag(f, &opts.CA, "the IMAP server")
	f.StringVar(&opts.MoveTo, "move-to", "", "move each message read to this `MAILBOX` (created if missing)")
	f.StringVar(&opts.DB, "db", "", "also store the records in this SQLite `FILE`; a report read twice is stored once")
	f.Var(sizeValue{&opts.MaxSize}, "max-size", "bound on what one message may decompress to, e.g. 50MiB")
	return cmd
}

func (o *FetchOptions) password(ctx context.Context) (string, error) {
	if o.PasswordFile != "" {
		b, err := cmdutil.ReadFile(ctx, o.PasswordFile)
		if err != nil {
			return "", cmdutil.Usage("cannot read --password-file "+o.PasswordFile, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	if p := o.IO.Getenv(passwordEnv); p != "" {
		return p, nil
	}
	return "", cmdutil.Usagef("no IMAP password: set %s or pass --password-file FILE", passwordEnv)
}

func runFetch(ctx context.Context, opts *FetchOptions) error {
	set, err := opts.Globals.Validate(ctx)
	if err != nil {
		return err
	}
	mb, err := imapfetch.ParseURL(opts.URL)
	if err != nil {
		return cmdutil.Usage("invalid --imap", err)
	}
	pw, err := opts.password(ctx)
	if err != nil {
		return err
	}
	var roots *x509.CertPool
	if opts.CA != "" {
		if roots, err = cmdutil.LoadCA(opts.CA); err != nil {
			return err
		}
	}
	w := newRecordWriter(set.Format, opts.IO.Out, opts.IO.IsStdoutTTY())
	var t tally
	var werr error
	onRecord := func(r dmarcreport.Record) error {
		if err := w.Write(r); err != nil {
			werr = err
			return err
		}
		return nil
	}
	var store *reportstore.Store
	if opts.DB != "" {
		if store, err = reportstore.Open(ctx, opts.DB); err != nil {
			return cmdutil.Usage("cannot use --db "+opts.DB, err)
		}
		onRecord = storing(ctx, store, &t, onRecord)
	}
	ro := readOptions{IO: opts.IO, MaxSize: opts.MaxSize}
	var stop error
	st, ferr := imapfetch.Fetch(ctx, mb, imapfetch.Options{
		Password: pw, RootCAs: roots, Timeout: max(opts.Globals.Timeout, 10*time.Second), MoveTo: opts.MoveTo,
	}, func(m imapfetch.Message) error {
		t.Inputs++
		if store != nil {
			store.NextInput()
		}
		return parseInput(ctx, ro, &t, fmt.Sprintf("%s#%d", mb, m.UID), m.Data, onRecord, &stop)
	})
	if store != nil {
		if err := store.Close(); err != nil && ferr == nil {
			ferr = err
		}
	}
	if werr != nil {
		return cmdutil.Incomplete("writing the records", werr)
	}
	if err := w.Close(&t); err != nil {
		return cmdutil.Incomplete("writing the records", err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "relayctl: %s: %d %s read, %d moved\n", mb, st.Messages, textutil.Plural(st.Messages, "message", "messages"), st.Moved)
	if ferr != nil {
		return &cmdutil.IncompleteError{Err: ferr}
	}
	return t.exit()
}
