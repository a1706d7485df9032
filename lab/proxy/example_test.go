package proxy_test

import (
	"io"
	"net"
	"os"

	"bytestream/lab/proxy"
	"bytestream/lab/shape"
)

// A proxy run in-process, in front of a server that reads one 9-byte frame
// and sends it back with one write: the client's frame leaves in 2-byte
// pieces, the answer comes back whole, and the log (stable: no times or
// addresses) says so.
func Example() {
	upstream, _ := net.Listen("tcp", "127.0.0.1:0")
	defer upstream.Close()
	go func() {
		c, _ := upstream.Accept()
		frame := make([]byte, 9)
		io.ReadFull(c, frame) // however it was cut
		c.Write(frame)
		io.Copy(io.Discard, c) // until the client half-closes
		c.Close()
	}()

	rule, _ := shape.ParseRule("split=2,gap=0")
	p := proxy.New(proxy.Config{
		Upstream: upstream.Addr().String(),
		Up:       rule,
		Framing:  proxy.FramingLen4,
		Log:      proxy.NewLogger(os.Stdout, proxy.LogOptions{Stable: true}),
	})
	front, _ := net.Listen("tcp", "127.0.0.1:0")
	go p.Serve(front)

	c, _ := net.Dial("tcp", front.Addr().String())
	c.Write([]byte("\x00\x00\x00\x05hello")) // step 03's frame: length, then bytes
	io.ReadFull(c, make([]byte, 9))
	c.(*net.TCPConn).CloseWrite()
	io.ReadAll(c)
	c.Close()
	p.Close()
	// Output:
	// [0] open (seed 0)
	// [0] c→s read 9B → 2|2|2|2|1  "\x00\x00\x00\x05hello"
	//     frame 1 5B "hello" straddles pieces 1–5 (bytes 2+2+2+2+1, header 2+2)
	// [0] s→c read 9B → 9  "\x00\x00\x00\x05hello"
	//     frame 1 5B "hello" in piece 1
	// [0] c→s EOF: half-close forwarded
	// [0] s→c EOF: half-close forwarded
	// [0] c→s closed: 9B in 1 read, 5 pieces, 1 frame (1 split across pieces, 0 sharing a piece)
	// [0] s→c closed: 9B in 1 read, 1 piece, 1 frame (0 split across pieces, 0 sharing a piece)
}
