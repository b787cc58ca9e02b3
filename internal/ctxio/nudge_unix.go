//go:build unix

package ctxio

import (
	"os"
	"syscall"
)

// nudgeFIFO opens the FIFO at path for writing without waiting (it fails
// when no reader has it open) and closes it at once: a reader blocked in
// open(2) returns, and reads end of file.
func nudgeFIFO(path string) {
	if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}
