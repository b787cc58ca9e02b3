package blacklist

import (
	"context"
	"errors"
	"io"
	"iter"
	"os"

	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/internal/ctxio"
)

// inputs is the run's targets as one stream.
type inputs struct {
	seq iter.Seq2[dnsbl.Input, error]
	// total is the number of targets when known before the run (0 when
	// stdin or a pipe is read).
	total uint64
	// single: exactly one plain target, so -o json prints one object.
	single bool
	files  []*os.File
}

func (in *inputs) close() {
	for _, f := range in.files {
		f.Close()
	}
}

func openFile(path string) (*os.File, error) { return notDir(os.Open(path)) }

// openInput opens a --file: waiting for a named pipe's writer ends when
// ctx is done.
func openInput(ctx context.Context, path string) (*os.File, error) {
	return notDir(ctxio.Open(ctx, path))
}

func notDir(f *os.File, err error) (*os.File, error) {
	if err != nil {
		if pe, ok := err.(*os.PathError); ok {
			return nil, pe.Err
		}
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, errIsDir
	}
	return f, nil
}

type dirError struct{}

func (dirError) Error() string { return "is a directory" }

var errIsDir = dirError{}

// openInputs checks every argument and file before any query: a bad
// address or block on the command line, or an unreadable file, is bad
// input (exit 2). A bad line of a file or stdin is that target's report
// (dnsbl.LineError) and the lines after it are checked: files and stdin
// behave the same. A regular file is read twice, once to count its
// targets (and find a line too long to read) and once to stream it.
func (o *Options) openInputs(ctx context.Context) (*inputs, error) {
	in := &inputs{}
	parse := o.parser()
	type part struct {
		input  dnsbl.Input
		reader io.Reader
		name   string
	}
	var parts []part
	known := true
	stdin := false
	for _, a := range o.Args {
		if a == "-" {
			if stdin {
				return nil, cmdutil.Usagef("\"-\" (stdin) given twice")
			}
			stdin = true
			known = false
			parts = append(parts, part{reader: o.IO.Stdin(ctx, "targets"), name: "stdin"})
			continue
		}
		x, err := parse(a)
		if err != nil {
			return nil, &cmdutil.UsageError{Err: err}
		}
		in.total += x.Count()
		parts = append(parts, part{input: x})
	}
	for _, path := range o.Files {
		f, err := openInput(ctx, path)
		if err != nil {
			in.close()
			return nil, cmdutil.Usage("cannot read --file "+path, err)
		}
		in.files = append(in.files, f)
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			for x, err := range dnsbl.Lines(f, path, parse) {
				switch {
				case isLineError(err):
					in.total++ // a report of its own, as on stdin
				case err != nil:
					in.close()
					return nil, &cmdutil.UsageError{Err: err}
				}
				in.total += x.Count()
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				in.close()
				return nil, cmdutil.Usage("cannot read --file "+path, err)
			}
		} else {
			known = false
		}
		parts = append(parts, part{reader: ctxio.Reader(ctx, f), name: path})
	}
	if len(parts) == 0 {
		what := "an address, a CIDR block"
		if o.Domains {
			what = "a domain"
		}
		return nil, cmdutil.Usagef("nothing to check: give %s, \"-\" for stdin, or --file FILE", what)
	}
	if !known {
		in.total = 0
	}
	in.single = len(parts) == 1 && parts[0].reader == nil && !parts[0].input.IsBlock()
	in.seq = func(yield func(dnsbl.Input, error) bool) {
		for _, p := range parts {
			if p.reader == nil {
				if !yield(p.input, nil) {
					return
				}
				continue
			}
			for x, err := range dnsbl.Lines(p.reader, p.name, parse) {
				if !yield(x, err) || err != nil && !isLineError(err) {
					return
				}
			}
		}
	}
	return in, nil
}

func isLineError(err error) bool {
	var le *dnsbl.LineError
	return errors.As(err, &le)
}
