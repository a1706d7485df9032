// Package proxy is the lab's TCP proxy: it forwards a connection to an
// upstream server while cutting and merging what it forwards, per
// direction, by shape rules, and draws where the pieces and the frames fall.
//
// Start with Config and Proxy.Serve; one connection's two directions are a
// session (session.go), each direction a pump (pump.go) that reads chunks,
// cuts them into pieces and writes each piece with one Write. The overlay
// that finds frames in the stream is frames.go; what is printed is log.go.
package proxy
