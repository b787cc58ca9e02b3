package bounce

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrUnreadable wraps the error of an input that could not be read at
// all: a missing file, a folder without permission.
var ErrUnreadable = errors.New("bounce: cannot read input")

// Input is one message read from the inputs, or an input that could not
// be read (Err set, Data nil).
type Input struct {
	// Source is the path as given (a file inside a folder joined to
	// it), "-" for standard input, plus "#N" for the Nth message of an
	// mbox (counting from 1).
	Source string
	Data   []byte
	Err    error
}

// Stdin is the input name for standard input.
const Stdin = "-"

// maxMessage bounds one message: a message larger than this is cut, so
// that a file which is no mail at all cannot exhaust memory.
const maxMessage = 64 << 20

// Scan reads every input in order and calls emit with each message:
// a file is one message unless it is an mbox (it starts with a "From "
// line, RFC 4155), a folder is walked in name order (a Maildir's cur/
// and new/ included, its tmp/ and hidden files left out), "-" is
// standard input. An mbox streams: only one message is held at a time.
// Scan stops when ctx is done or emit returns an error, and returns
// that error.
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

func unreadable(source string, err error) Input {
	return Input{Source: source, Err: fmt.Errorf("%w %s: %w", ErrUnreadable, source, unwrapPath(err))}
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
	var files []string
	walkErr := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == path {
				return err
			}
			files = append(files, "\x00"+p+"\x00"+unwrapPath(err).Error())
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
		files = append(files, p)
		return nil
	})
	if walkErr != nil {
		return emit(unreadable(path, walkErr))
	}
	sort.Strings(files)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(f, "\x00") {
			parts := strings.SplitN(f[1:], "\x00", 2)
			if err := emit(unreadable(parts[0], errors.New(parts[1]))); err != nil {
				return err
			}
			continue
		}
		if err := scanFile(ctx, f, emit); err != nil {
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

func scanFile(ctx context.Context, path string, emit func(Input) error) error {
	f, err := os.Open(path)
	if err != nil {
		return emit(unreadable(path, err))
	}
	defer f.Close()
	return scanReader(ctx, path, f, emit)
}

// scanReader reads one stream: an mbox when it starts with "From ",
// else a single message.
func scanReader(ctx context.Context, source string, r io.Reader, emit func(Input) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(5)
	if err != nil && err != io.EOF && len(head) == 0 {
		return emit(unreadable(source, err))
	}
	if string(head) == "From " {
		// An mbox written with CR-only line endings is split on CRs.
		if peek, _ := br.Peek(4096); bytes.IndexByte(peek, '\r') >= 0 && bytes.IndexByte(peek, '\n') < 0 {
			br = bufio.NewReaderSize(crToLF{br}, 64<<10)
		}
		return scanMbox(ctx, source, br, emit)
	}
	data, err := io.ReadAll(io.LimitReader(br, maxMessage))
	if err != nil {
		return emit(unreadable(source, err))
	}
	return emit(Input{Source: source, Data: data})
}

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
