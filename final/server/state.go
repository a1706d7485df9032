package server

import "strconv"

// ConnState is the state of a connection, reported to Server.ConnState.
type ConnState int

const (
	// StateNew: the connection was accepted and is about to be served.
	StateNew ConnState = iota
	// StateIdle: the connection is at a frame boundary with nothing
	// buffered, waiting for the client to start the next frame. Shutdown
	// closes idle connections at once.
	StateIdle
	// StateActive: the first bytes of a frame arrived after the connection
	// was idle. It stays active while it works through buffered frames.
	StateActive
	// StateClosed: the connection is closed and its goroutine is ending.
	StateClosed
)

var stateNames = [...]string{StateNew: "new", StateIdle: "idle", StateActive: "active", StateClosed: "closed"}

func (s ConnState) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "ConnState(" + strconv.Itoa(int(s)) + ")"
}
