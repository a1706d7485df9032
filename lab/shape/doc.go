// Package shape reshapes a byte stream deterministically: it cuts and merges
// what Read returns and what Write sends, from seeded rules, so tests never
// depend on how the kernel happened to deliver bytes.
//
// Start with Rule and ParseRule: a rule such as "split=3" or "coalesce=50ms"
// says how one direction is reshaped, in the same grammar as the lab proxy's
// -up and -down flags. Then Wrap a net.Conn (or WrapListener a listener, or
// NewReader any io.Reader) with Options holding a rule per direction and a
// seed. Cutter is the piece-size generator they share with the proxy, so a
// seed cuts a stream the same way in a test and on the wire.
package shape
