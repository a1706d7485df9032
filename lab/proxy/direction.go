package proxy

// Direction is one way through the proxy.
type Direction int

const (
	Up   Direction = iota // client to server, shaped by -up
	Down                  // server to client, shaped by -down
)

// String is the arrow used in the log.
func (d Direction) String() string {
	if d == Up {
		return "c→s"
	}
	return "s→c"
}

// Name is the spelling used in recordings and on the command line.
func (d Direction) Name() string {
	if d == Up {
		return "up"
	}
	return "down"
}
