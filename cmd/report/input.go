package report

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// input is one file's bytes, or a file that could not be read.
//
// Until checks/mailin (the shared message readers, with mbox splitting)
// is on main, the inputs are read here: files, folders walked in name
// order (a Maildir's tmp/ and hidden files left out) and "-". An mbox
// is then read as one message.
type input struct {
	Source string
	Data   []byte
	Err    error
}

const stdinName = "-"

func scanInputs(ctx context.Context, inputs []string, stdin io.Reader, maxSize int64, emit func(input) error) error {
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if in == stdinName {
			data, err := io.ReadAll(io.LimitReader(stdin, maxSize))
			if err := emitRead(in, data, err, emit); err != nil {
				return err
			}
			continue
		}
		st, err := os.Stat(in)
		if err != nil {
			if err := emit(input{Source: in, Err: unreadable(in, err)}); err != nil {
				return err
			}
			continue
		}
		if !st.IsDir() {
			if err := readFile(in, maxSize, emit); err != nil {
				return err
			}
			continue
		}
		var files []string
		werr := filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return emit(input{Source: path, Err: unreadable(path, err)})
			}
			name := d.Name()
			if path != in && (strings.HasPrefix(name, ".") || d.IsDir() && name == "tmp") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
		if werr != nil {
			return werr
		}
		sort.Strings(files)
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := readFile(f, maxSize, emit); err != nil {
				return err
			}
		}
	}
	return nil
}

func readFile(path string, maxSize int64, emit func(input) error) error {
	f, err := os.Open(path)
	if err != nil {
		return emit(input{Source: path, Err: unreadable(path, err)})
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSize))
	return emitRead(path, data, err, emit)
}

func emitRead(source string, data []byte, err error, emit func(input) error) error {
	if err != nil {
		return emit(input{Source: source, Err: unreadable(source, err)})
	}
	return emit(input{Source: source, Data: data})
}

func unreadable(path string, err error) error {
	var pe *fs.PathError
	if e, ok := err.(*fs.PathError); ok {
		pe = e
		err = pe.Err
	}
	return &checks.Error{Msg: "cannot read " + path, Err: err}
}
