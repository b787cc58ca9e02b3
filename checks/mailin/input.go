// Package mailin reads messages as they are kept: single files (.eml),
// Maildir folders and trees of messages, mbox files and standard input.
// "relayctl bounce parse" and the commands that read a message for
// checks (DKIM, reports) share it, so that every command reads the same
// inputs the same way.
//
// # What reaches Input.Data
//
// A message's bytes come through as they are, so that a signature over
// them (DKIM, RFC 6376) can still be verified, with three exceptions,
// all for mbox files:
//
//   - the "From " line that starts each message in an mbox (RFC 4155)
//     is not part of the message, nor is the blank line before the
//     next one;
//   - a quoted From line (">From ", ">>From "…) loses one ">": the
//     mboxrd convention, which also reads mboxo files right, except
//     for a line that was ">From " before an mboxo writer left it as
//     it was (the format cannot tell), whose signature then fails;
//   - an mbox written with CR-only line endings (classic Mac OS) has
//     every CR turned into LF, so that it can be split into messages.
//
// A file or standard input is an mbox when it starts with "From " (a
// message saved with its From_ line is then an mbox of one). Anything
// else is one message, and its bytes, CRLF, LF or CR line endings
// included, are kept untouched. Every message is cut at MaxMessage.
package mailin

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/internal/ctxio"
)

// ErrUnreadable is the kind of the error of an input that could not be
// read at all: a missing file, a folder without permission. The error an
// Input carries is a *checks.Error of this kind that names the input
// and keeps the cause.
var ErrUnreadable = errors.New("mailin: cannot read input")

// Input is one message read from the inputs, or an input that could not
// be read (Err set, Data nil).
type Input struct {
	// Source is the path as given (a file inside a folder joined to
	// it), "-" for standard input, plus "#N" for the Nth message of an
	// mbox (counting from 1).
	Source string
	Data   []byte
	Err    error
	// Truncated is set when the message was longer than MaxMessage and
	// Data holds only its first MaxMessage bytes.
	Truncated bool
}

// Stdin is the input name for standard input.
const Stdin = "-"

// MaxMessage bounds one message: a message larger than this is cut, so
// that a file which is no mail at all cannot exhaust memory.
const MaxMessage = 64 << 20

const pkg = "mailin"

// Scan reads every input in order and calls emit with each message:
// a file is one message unless it is an mbox (it starts with a "From "
// line, RFC 4155), a folder is walked in name order (a Maildir's cur/
// and new/ included, its tmp/ and hidden files left out), "-" is
// stdin (nil reads as empty). An mbox streams: only one message is held
// at a time. An input that cannot be read is emitted with Err set and
// the rest goes on. Scan stops when ctx is done (ctx.Err()) or emit
// returns an error, and returns that error. What Scan changes in a
// message's bytes is in the package documentation.
//
// stdin is read as given: a caller that wants Ctrl-C to end a wait on a
// terminal or a pipe passes a reader that honours ctx.
func Scan(ctx context.Context, inputs []string, stdin io.Reader, emit func(Input) error) error {
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if in == Stdin {
			if stdin == nil {
				stdin = bytes.NewReader(nil)
			}
			err = scanReader(ctx, Stdin, stdin, emit)
		} else {
			err = scanPath(ctx, in, emit)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// stopped is the error that ends a scan whose read failed because the
// run was cancelled: ctx's, or the read's own context error. A reader
// through ctxio may see the command's context done a moment before a
// context derived from it is, and a cancelled read is never an input
// that could not be read.
func stopped(ctx context.Context, err error) error {
	if e := ctx.Err(); e != nil {
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func unreadable(source string, err error) Input {
	return Input{Source: source, Err: checks.WrapError(pkg, ErrUnreadable, "cannot read input "+source, unwrapPath(err))}
}

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func scanPath(ctx context.Context, path string, emit func(Input) error) error {
	st, err := os.Stat(path)
	if err != nil {
		return emit(unreadable(path, err))
	}
	if !st.IsDir() {
		return scanFile(ctx, path, emit)
	}
	// files are the messages to read in name order, and the entries
	// the walk could not read (err set), in the same order.
	type entry struct {
		path string
		err  error
	}
	var files []entry
	walkErr := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == path {
				return err
			}
			files = append(files, entry{p, err})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if p != path && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if name == "tmp" && isMaildir(filepath.Dir(p)) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		if isMaildirMeta(name) {
			return nil
		}
		files = append(files, entry{path: p})
		return nil
	})
	if walkErr != nil {
		return emit(unreadable(path, walkErr))
	}
	// The entries that could not be read come first, as they always
	// have; each group in name order.
	sort.Slice(files, func(i, j int) bool {
		if (files[i].err == nil) != (files[j].err == nil) {
			return files[i].err != nil
		}
		return files[i].path < files[j].path
	})
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.err != nil {
			if err := emit(unreadable(f.path, f.err)); err != nil {
				return err
			}
			continue
		}
		if err := scanFile(ctx, f.path, emit); err != nil {
			return err
		}
	}
	return nil
}

// isMaildir reports whether dir holds a Maildir's cur/ or new/.
func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// isMaildirMeta reports files mail servers keep next to the messages.
func isMaildirMeta(name string) bool {
	for _, p := range []string{"dovecot", "courierimap", "maildirfolder", "maildirsize", "subscriptions"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// scanFile reads one file. A named pipe given as an input waits for its
// writer, and a slow writer for its data, only until ctx is done.
func scanFile(ctx context.Context, path string, emit func(Input) error) error {
	f, err := ctxio.Open(ctx, path)
	if err != nil {
		if e := stopped(ctx, err); e != nil {
			return e
		}
		return emit(unreadable(path, err))
	}
	defer f.Close()
	return scanReader(ctx, path, ctxio.Reader(ctx, f), emit)
}

// scanReader reads one stream: an mbox when it starts with "From ",
// else a single message.
func scanReader(ctx context.Context, source string, r io.Reader, emit func(Input) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(5)
	if err != nil && err != io.EOF && len(head) == 0 {
		if e := stopped(ctx, err); e != nil {
			return e
		}
		return emit(unreadable(source, err))
	}
	if string(head) == "From " {
		// An mbox written with CR-only line endings is split on CRs.
		if crOnly(br) {
			br = bufio.NewReaderSize(crToLF{br}, 64<<10)
		}
		return scanMbox(ctx, source, br, emit)
	}
	data, err := io.ReadAll(io.LimitReader(br, MaxMessage))
	if err != nil {
		if e := stopped(ctx, err); e != nil {
			return e
		}
		return emit(unreadable(source, err))
	}
	truncated := false
	if len(data) == MaxMessage {
		// One byte more says whether the message went on; the rest is
		// left unread.
		if _, err := br.ReadByte(); err == nil {
			truncated = true
		}
	}
	return emit(Input{Source: source, Data: data, Truncated: truncated})
}

// crOnly reports whether a stream has CR-only line endings: a CR and no
// LF in its first crWindow bytes. It reads no further than the first LF,
// so that an mbox coming down a pipe is not held back waiting for more.
func crOnly(br *bufio.Reader) bool {
	seen := 0
	for {
		buf, err := br.Peek(min(crWindow, max(br.Buffered(), seen+1)))
		if bytes.IndexByte(buf[seen:], '\n') >= 0 {
			return false
		}
		seen = len(buf)
		if err != nil || seen >= crWindow {
			return bytes.IndexByte(buf, '\r') >= 0
		}
	}
}

const crWindow = 4096

// crToLF turns CR line endings into LF as it reads.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}
