// Package labtest holds the testscript commands that every literate script
// in the workbook shares. A package whose tests run scripts passes Cmds to
// testscript.Params so that scripts can wait for a server to be ready
// without guessing ports or sleeping.
//
// Start with WaitAddr: servers write their bound address to -addr-file, and a
// script waits for that file before it connects.
package labtest

import (
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// ReadyTimeout is how long waitaddr waits for an address file. It is long
// enough for a loaded CI machine and short enough that a server that never
// starts fails the script instead of hanging it.
const ReadyTimeout = 30 * time.Second

// pollInterval is how often waitaddr looks for the file. Servers write it
// atomically (temp file, then rename), so the first sight of it is complete.
const pollInterval = 5 * time.Millisecond

// Cmds returns the custom commands for testscript.Params.Cmds.
func Cmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"waitaddr": WaitAddr,
		"cmplog":   CmpLog,
	}
}

// Setup is a testscript.Params.Setup shared by every script package.
//
// A binary built with -race sleeps a second on exit, waiting for late race
// reports, and every command in a script is such an exit. Setup tells the
// race runtime not to wait: reports still print, only the pause goes.
func Setup(env *testscript.Env) error {
	env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	return nil
}

// WaitAddr implements `waitaddr VAR FILE`: it waits until FILE exists and
// holds an address, then sets the environment variable VAR to it, so later
// lines can say `exec final client -addr $VAR`.
func WaitAddr(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! waitaddr")
	}
	if len(args) != 2 {
		ts.Fatalf("usage: waitaddr VAR FILE")
	}
	name, file := args[0], ts.MkAbs(args[1])
	addr, err := waitForAddr(file, ReadyTimeout)
	if err != nil {
		ts.Fatalf("waitaddr %s: %v", args[1], err)
	}
	ts.Setenv(name, addr)
}

// waitForAddr polls for file until it holds an address (host:port) or
// timeout passes. Anything else in the file, such as the notes of a user who
// gave the wrong path, is not yet the server's answer.
func waitForAddr(file string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		data, err := os.ReadFile(file)
		addr := strings.TrimSpace(string(data))
		if _, _, serr := net.SplitHostPort(addr); err == nil && serr == nil {
			return addr, nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("it holds %q, not host:port", addr)
			}
			return "", &timeoutError{file: file, timeout: timeout, last: err}
		}
		time.Sleep(pollInterval)
	}
}

type timeoutError struct {
	file    string
	timeout time.Duration
	last    error
}

func (e *timeoutError) Unwrap() error { return e.last }

func (e *timeoutError) Error() string {
	return "no address in " + e.file + " after " + e.timeout.String() + ": " + e.last.Error()
}
