// Package atomicfile writes a file so that no reader ever sees half of it,
// and never destroys what the user named by mistake. `final server`, `final
// bench` and `lab proxy` write their address files and pictures through it.
//
// Start with Write. Publish is Write for a file that should disappear again
// when the program exits (an address file); Check tells a program, before it
// starts long work, whether a later Write to a path can succeed.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// Write writes data to name through a temporary file in the same directory
// and a rename, so a reader sees either no file (or the old one) or all of
// data, never a part.
//
// A rename replaces whatever the name held, so Write refuses a name that
// exists and is not a regular file: a rename over /dev/full, a FIFO a
// reader waits on, or a symbolic link would replace it with a plain file.
// Errors name the path given, not the temporary file.
func Write(name string, data []byte) error {
	_, err := write(name, data)
	return err
}

// Publish writes an address file: data to name as Write does, and remove,
// which deletes name again, but only if this call created it (name did not
// exist before) and it is still the file this call wrote (no other program
// has replaced it since). A server calls remove on exit, so an address file
// vanishes with the server while a file the user already had stays.
//
// An existing file is replaced only if it holds nothing or one address
// (host:port), as the file of a server that was killed does: anything else
// is someone's data (-addr-file notes.txt by mistake), and is refused.
func Publish(name string, data []byte) (remove func() error, err error) {
	if err := holdsAnAddress(name); err != nil {
		return nil, err
	}
	existed, err := write(name, data)
	if err != nil {
		return nil, err
	}
	if existed {
		return func() error { return nil }, nil
	}
	written, err := os.Lstat(name)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	return func() error {
		now, err := os.Lstat(name)
		if err != nil || !os.SameFile(now, written) {
			return nil // gone or replaced: no longer ours to remove
		}
		return os.Remove(name)
	}, nil
}

// holdsAnAddress refuses an existing regular file unless it is empty or
// holds one host:port line. What is not a regular file is left to write's
// own refusal; a file too big to be an address is not read.
func holdsAnAddress(name string) error {
	info, err := os.Lstat(name)
	if err != nil || !info.Mode().IsRegular() {
		return nil
	}
	content := ""
	if info.Size() <= maxAddrFile {
		b, err := os.ReadFile(name)
		if err != nil {
			return pathError("read", name, err)
		}
		content = strings.TrimSpace(string(b))
	}
	if info.Size() == 0 || content != "" && !strings.ContainsAny(content, " \t\n") && isHostPort(content) {
		return nil
	}
	return fmt.Errorf("%s exists and does not hold an address: refusing to replace it (give a new file, or remove it)", name)
}

// maxAddrFile is longer than any address a server writes (an IPv6 address
// with a zone, a port and a newline).
const maxAddrFile = 128

func isHostPort(s string) bool {
	_, port, err := net.SplitHostPort(s)
	return err == nil && port != ""
}

// Check reports whether Write(name, ...) could succeed now: name is absent
// or a regular file, and its directory takes a new file. A program that
// writes name only after minutes of work calls Check first.
func Check(name string) error {
	if _, err := target(name); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+"-*")
	if err != nil {
		return pathError("write", name, err)
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// write is Write, also reporting whether name existed before.
func write(name string, data []byte) (existed bool, err error) {
	if existed, err = target(name); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+"-*")
	if err != nil {
		return false, pathError("write", name, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	err = tmp.Chmod(perm(name))
	if err == nil {
		_, err = tmp.Write(data)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return false, pathError("write", name, err)
	}
	return existed, nil
}

// perm is the mode a written file gets: that of the file it replaces, or
// 0644 for a new one, as os.Create makes it under the usual umask. The
// temporary file alone would leave 0600: a plot or an address file that
// nobody else may read.
func perm(name string) fs.FileMode {
	if info, err := os.Lstat(name); err == nil {
		return info.Mode().Perm()
	}
	return 0o644
}

// target reports whether name exists, and refuses it unless it is absent
// or a regular file. Lstat, not Stat: a symbolic link is itself replaced by
// a rename, so it is refused even when it points at a regular file.
func target(name string) (exists bool, err error) {
	info, err := os.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case !info.Mode().IsRegular():
		return true, fmt.Errorf("%s exists and is %s, not a regular file: refusing to replace it", name, kind(info.Mode()))
	}
	return true, nil
}

// kind names a file mode for the refusal message.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// pathError reports err for the path the user gave: the temporary file's
// name in a *PathError or *LinkError means nothing to them.
func pathError(op, name string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}
