// Package soak is final/'s robustness suite: it points load, faults and
// hostile input at a real server process and prints what it measured as a
// figures table, one row per threat, each next to its target.
//
// The tests behind `make soak` carry the build tag `soak`, because they hold
// ten thousand sockets open and run for minutes, not seconds. Without the tag
// the package still builds and tests the harness itself, and runs the seeds of
// FuzzServerConn, the fuzz target for a whole server connection.
//
// Start reading at child_test.go: every soak test starts the server as a
// child process (the test binary, re-executed) so that the server's memory
// can be measured apart from the clients attacking it. Then read the tests
// by threat: load_soak_test.go, hostile_soak_test.go, shutdown_soak_test.go.
// The library files hold what the tests share: the figures table
// (figures.go), the seeded garbage generator (garbage.go) and the memory
// probe a child answers on (stats.go).
package soak
