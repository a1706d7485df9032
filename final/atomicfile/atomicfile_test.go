package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReplacesTheFileAndLeavesNoTemporary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name := filepath.Join(dir, "addr")
	for _, want := range []string{"127.0.0.1:1\n", "127.0.0.1:2\n"} {
		if err := Write(name, []byte(want)); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(name); err != nil || string(got) != want {
			t.Fatalf("file holds %q, %v; want %q", got, err, want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("directory holds %d entries; want only the file, no temporary left", len(entries))
	}
}

func TestWriteIntoAMissingDirectoryNamesThePathGiven(t *testing.T) {
	t.Parallel()
	name := filepath.Join(t.TempDir(), "no", "such", "dir", "addr")
	for what, err := range map[string]error{"Write": Write(name, []byte("x")), "Check": Check(name)} {
		if err == nil {
			t.Fatalf("%s into a missing directory succeeded", what)
		}
		if want := "write " + name + ": "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s said %q; want it to start with %q, not name a temporary file", what, err, want)
		}
	}
}

func TestWriteRefusesWhatIsNotARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	regular := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(regular, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(regular, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	targets := map[string]string{
		link: "a symbolic link",
		dir:  "a directory",
	}
	if fifo := makeFIFO(t, dir); fifo != "" {
		targets[fifo] = "a named pipe"
	}
	if _, err := os.Stat("/dev/full"); err == nil {
		targets["/dev/full"] = "a device"
	}
	for name, kind := range targets {
		before, _ := os.Lstat(name)
		for what, err := range map[string]error{"Write": Write(name, []byte("x")), "Check": Check(name)} {
			want := name + " exists and is " + kind + ", not a regular file: refusing to replace it"
			if err == nil || err.Error() != want {
				t.Errorf("%s(%s) = %v; want %q", what, name, err, want)
			}
		}
		if after, err := os.Lstat(name); err != nil || !os.SameFile(before, after) || after.Mode() != before.Mode() {
			t.Errorf("%s was replaced", name)
		}
	}
	if got, _ := os.ReadFile(regular); string(got) != "mine" {
		t.Errorf("the link's target now holds %q; want it untouched", got)
	}
}

func TestPublishRemovesOnlyWhatItCreated(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	t.Run("a new file is removed", func(t *testing.T) {
		name := filepath.Join(dir, "addr")
		remove, err := Publish(name, []byte("127.0.0.1:1\n"))
		if err != nil {
			t.Fatal(err)
		}
		if err := remove(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Lstat(name); !os.IsNotExist(err) {
			t.Errorf("after remove, Lstat = %v; want the file gone", err)
		}
	})
	t.Run("a stale address file that was there is kept", func(t *testing.T) {
		name := filepath.Join(dir, "stale-addr")
		if err := os.WriteFile(name, []byte("127.0.0.1:9\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		remove, err := Publish(name, []byte("127.0.0.1:1\n"))
		if err != nil {
			t.Fatal(err)
		}
		if err := remove(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Lstat(name); err != nil {
			t.Errorf("a file the user had was removed: %v", err)
		}
	})
	t.Run("a file another program replaced is kept", func(t *testing.T) {
		name := filepath.Join(dir, "shared")
		remove, err := Publish(name, []byte("127.0.0.1:1\n"))
		if err != nil {
			t.Fatal(err)
		}
		if err := Write(name, []byte("127.0.0.1:2\n")); err != nil {
			t.Fatal(err)
		}
		if err := remove(); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(name); string(got) != "127.0.0.1:2\n" {
			t.Errorf("file holds %q; want the other program's address kept", got)
		}
	})
}

// -addr-file notes.txt by mistake must not turn the notes into an address.
func TestPublishRefusesAFileThatHoldsSomethingElse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, content := range []string{"my notes\n", "notes", "127.0.0.1:1\nmore\n", "host:\n"} {
		name := filepath.Join(dir, "notes.txt")
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Publish(name, []byte("127.0.0.1:1\n"))
		if want := name + " exists and does not hold an address"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Publish over %q: error %v, want %q", content, err, want)
		}
		if got, _ := os.ReadFile(name); string(got) != content {
			t.Errorf("Publish over %q left %q", content, got)
		}
	}
}

func TestCheckLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := Check(filepath.Join(dir, "plot.svg")); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Check left %d entries behind", len(entries))
	}
}

// A plot or an address file is for others to read too: the temporary
// file's 0600 must not become the written file's mode.
func TestWriteKeepsAReadableMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fresh, kept := filepath.Join(dir, "plot.svg"), filepath.Join(dir, "old.svg")
	if err := os.WriteFile(kept, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	os.Chmod(kept, 0o640) // whatever the umask
	for name, want := range map[string]os.FileMode{fresh: 0o644, kept: 0o640} {
		if err := Write(name, []byte("<svg/>")); err != nil {
			t.Fatal(err)
		}
		if info, err := os.Stat(name); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", filepath.Base(name), info.Mode().Perm(), err, want)
		}
	}
}
