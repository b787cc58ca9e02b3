package send

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// inputs are the files and stdin the message flags name, read once.
type inputs struct {
	stdinBy     string // the flag that read stdin
	from        send.Address
	to, cc, bcc []send.Address
	body, html  string
	data        []byte
	attach      []send.Attachment
	headers     []send.Header
	signer      *send.DKIMSigner
}

// readArg resolves TEXT, @FILE or - (stdin, once per run).
func (o *Options) readArg(ctx context.Context, in *inputs, flag, v string, literalOK bool) (string, error) {
	switch {
	case v == "-":
		if in.stdinBy != "" {
			return "", cmdutil.Usagef("%s - and %s - cannot both read stdin", in.stdinBy, flag)
		}
		in.stdinBy = flag
		b, err := send.ReadLimited(flag+" - (stdin)", o.IO.Stdin(ctx, flag))
		var ce *checks.Error
		if errors.As(err, &ce) {
			return "", usageErr(err) // over the size limit
		}
		if err != nil {
			return "", cmdutil.Usage(flag+" -: reading stdin", err)
		}
		return string(b), nil
	case strings.HasPrefix(v, "@"):
		b, err := readFile(ctx, flag, v[1:])
		if err != nil {
			return "", err
		}
		return string(b), nil
	case !literalOK:
		return "", cmdutil.Usagef("invalid %s %q: want @FILE or - for stdin", flag, v)
	}
	return v, nil
}

// readFile reads a file a flag names, up to send.MaxMessageSize.
func readFile(ctx context.Context, flag, path string) ([]byte, error) {
	f, r, err := cmdutil.OpenFile(ctx, path)
	if err != nil {
		return nil, cmdutil.Usagef("cannot read %s %s: %v", flag, path, pathErr(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, cmdutil.Usagef("cannot read %s %s: it is a directory", flag, path)
	}
	b, err := send.ReadLimited(flag+" "+path, r)
	if err != nil {
		var ce *checks.Error
		if errors.As(err, &ce) {
			return nil, usageErr(err)
		}
		return nil, cmdutil.Usagef("cannot read %s %s: %v", flag, path, pathErr(err))
	}
	return b, nil
}

func pathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// addresses parses repeatable address flags.
func addresses(flag string, vals []string) ([]send.Address, error) {
	var out []send.Address
	for _, v := range vals {
		l, err := send.ParseAddressList(flag, v)
		if err != nil {
			return nil, usageErr(err)
		}
		out = append(out, l...)
	}
	return out, nil
}

// readInputs checks the message flags and reads every file they name.
func (o *Options) readInputs(ctx context.Context, batch bool) (*inputs, error) {
	in := &inputs{}
	if o.From == "" {
		return nil, cmdutil.Usagef("--from ADDR is required")
	}
	var err error
	if in.from, err = send.ParseSender("--from", o.From); err != nil {
		return nil, usageErr(err)
	}
	if in.to, err = addresses("--to", o.To); err != nil {
		return nil, err
	}
	if in.cc, err = addresses("--cc", o.Cc); err != nil {
		return nil, err
	}
	if in.bcc, err = addresses("--bcc", o.Bcc); err != nil {
		return nil, err
	}
	if batch {
		if len(o.To)+len(o.Cc)+len(o.Bcc) > 0 {
			return nil, cmdutil.Usagef("--to, --cc and --bcc come from the --batch file's \"to\", \"cc\" and \"bcc\" columns")
		}
	} else if len(in.to)+len(in.cc)+len(in.bcc) == 0 {
		return nil, cmdutil.Usagef("at least one recipient is required: --to, --cc or --bcc")
	}
	if !batch {
		if err := send.NoSingleLine("--subject", o.Subject); err != nil {
			return nil, usageErr(err)
		}
	}
	for _, h := range o.Headers {
		hd, err := send.ParseHeader(h)
		if err != nil {
			return nil, usageErr(err)
		}
		in.headers = append(in.headers, hd)
	}
	if o.dataSet {
		if batch {
			return nil, cmdutil.Usagef("--data and --batch do not go together: a batch builds its messages from --subject, --body and --html")
		}
		if o.subjSet || o.bodySet || o.htmlSet || len(o.Attach) > 0 || len(o.Headers) > 0 {
			return nil, cmdutil.Usagef("--data sends a ready message as is: --subject, --body, --html, --attach and --header do not apply")
		}
		s, err := o.readArg(ctx, in, "--data", o.Data, false)
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(s) == "" {
			return nil, cmdutil.Usagef("--data: the message is empty")
		}
		in.data = []byte(s)
	}
	if o.bodySet {
		if in.body, err = o.readArg(ctx, in, "--body", o.Body, true); err != nil {
			return nil, err
		}
	}
	if o.htmlSet {
		if in.html, err = o.readArg(ctx, in, "--html", o.HTML, true); err != nil {
			return nil, err
		}
	}
	for _, path := range o.Attach {
		b, err := readFile(ctx, "--attach", path)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(path)
		if err := send.NoSingleLine("--attach file name", name); err != nil {
			return nil, usageErr(err)
		}
		in.attach = append(in.attach, send.Attachment{Name: name, Data: b})
	}
	if err := o.readDKIM(in); err != nil {
		return nil, err
	}
	return in, nil
}

func (o *Options) readDKIM(in *inputs) error {
	if o.DKIMKey == "" {
		if o.DKIMSelector != "" || o.DKIMDomain != "" {
			return cmdutil.Usagef("--dkim-selector and --dkim-domain need --dkim-key FILE")
		}
		return nil
	}
	if o.DKIMSelector == "" {
		return cmdutil.Usagef("--dkim-key needs --dkim-selector S")
	}
	pem, err := os.ReadFile(o.DKIMKey)
	if err != nil {
		return cmdutil.Usagef("cannot read --dkim-key %s: %v", o.DKIMKey, pathErr(err))
	}
	key, err := send.ParseDKIMKey(pem)
	if err != nil {
		return usageErr(err)
	}
	domain := o.DKIMDomain
	if domain == "" {
		domain = in.from.Domain()
	}
	if domain == "" {
		if a, err := send.ParseAddress("--header From", send.HeaderFrom(in.headers)); err == nil {
			domain = a.Domain()
		}
	}
	if domain == "" {
		return cmdutil.Usagef("--dkim-key with --from <> needs --dkim-domain D or a --header \"From: …\" to take the domain from")
	}
	in.signer, err = send.NewDKIMSigner(key, domain, o.DKIMSelector)
	if err != nil {
		return usageErr(err)
	}
	return nil
}

// message builds the one message of a run without --batch.
func (o *Options) message(in *inputs) (*send.Message, error) {
	var msg *send.Message
	if in.data != nil {
		var rcpts []string
		for _, l := range [][]send.Address{in.to, in.cc, in.bcc} {
			for _, a := range l {
				rcpts = append(rcpts, a.Addr)
			}
		}
		msg = send.Raw(in.from.Addr, rcpts, in.data)
	} else {
		var err error
		msg, err = send.Build(o.spec(in, in.to, in.cc, in.bcc, o.Subject, in.body, in.html, in.headers))
		if err != nil {
			return nil, usageErr(err)
		}
	}
	if in.signer != nil {
		if err := in.signer.Sign(msg); err != nil {
			return nil, usageErr(fmt.Errorf("--dkim-key: %w", err))
		}
	}
	return msg, nil
}

func (o *Options) spec(in *inputs, to, cc, bcc []send.Address, subject, body, html string, headers []send.Header) send.Spec {
	s := send.Spec{
		From: in.from, To: to, Cc: cc, Bcc: bcc,
		Subject: subject, Text: body, HasText: o.bodySet, HTML: html, HasHTML: o.htmlSet,
		Attachments: in.attach, Headers: headers, Random: o.Random,
	}
	if o.Now != nil {
		s.Date = o.Now()
	}
	return s
}
