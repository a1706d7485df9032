package bench

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"bytestream/final/frame"
)

// The raw baseline does the framed experiments' work with no framing: the
// same payload bytes in the same write sizes through a buffer of the same
// size, over a connection with the same options (Go enables TCP_NODELAY on
// every TCP connection, framed or not). Only the frame headers, the ACKs and
// the server's per-frame work are missing, so framed/raw is the price of
// the protocol and nothing else.

// rawReadSize is what the sink and echo servers read per call: the largest
// read the framed server makes (its frame reader skips big payloads in
// 64 KiB chunks), so the raw side is never the one held back by a small
// buffer. Frames of 16 KiB and less the framed server reads through its
// 16 KiB buffer, a memory bound it keeps per connection; the extra reads
// that costs it are part of the price of framing the ratio shows.
const rawReadSize = 64 << 10

// RawServers are an unframed sink (reads until EOF, then answers the byte
// count as 8 big-endian bytes) and an unframed echo (writes back whatever
// it reads), listening on loopback.
type RawServers struct {
	sink, echo net.Listener
	conns      sync.WaitGroup
}

// StartRawServers listens on two free loopback ports and serves until
// Close.
func StartRawServers() (*RawServers, error) {
	sink, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("raw sink: %w", err)
	}
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		sink.Close()
		return nil, fmt.Errorf("raw echo: %w", err)
	}
	s := &RawServers{sink: sink, echo: echo}
	s.conns.Add(2)
	go s.accept(sink, serveSink)
	go s.accept(echo, serveEcho)
	return s, nil
}

// SinkAddr is the address of the sink server.
func (s *RawServers) SinkAddr() string { return s.sink.Addr().String() }

// EchoAddr is the address of the echo server.
func (s *RawServers) EchoAddr() string { return s.echo.Addr().String() }

// Close stops both servers and waits for their connections to end. Clients
// close their connections first, so this returns promptly.
func (s *RawServers) Close() error {
	err := errors.Join(s.sink.Close(), s.echo.Close())
	s.conns.Wait()
	return err
}

func (s *RawServers) accept(l net.Listener, serve func(net.Conn)) {
	defer s.conns.Done()
	for {
		c, err := l.Accept()
		if err != nil {
			return // closed by Close
		}
		s.conns.Add(1)
		go func() {
			defer s.conns.Done()
			defer c.Close()
			serve(c)
		}()
	}
}

// serveSink counts bytes until the client half-closes, then reports the
// count: the raw stream's equivalent of the final ACK.
func serveSink(c net.Conn) {
	buf := make([]byte, rawReadSize)
	var total uint64
	for {
		n, err := c.Read(buf)
		total += uint64(n)
		if err != nil {
			break
		}
	}
	c.Write(binary.BigEndian.AppendUint64(nil, total))
}

// serveEcho writes back every chunk as it was read.
func serveEcho(c net.Conn) {
	buf := make([]byte, rawReadSize)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// rawStream writes `frames` payloads of `size` bytes to the sink, each as one
// Write into a buffered writer of the framed client's buffer size, then
// half-closes and waits for the sink's count, which must match.
func rawStream(c *net.TCPConn, size int, frames int64, p *progress) (transfer, error) {
	payload := zeros(size)
	w := bufio.NewWriterSize(c, frame.DefaultBufferSize)
	run := transfer{Frames: frames, PayloadBytes: frames * int64(size), Start: time.Now()}
	run.WireBytes = run.PayloadBytes
	for range frames {
		if _, err := w.Write(payload); err != nil {
			return run, fmt.Errorf("raw stream write: %w", err)
		}
		p.tick()
	}
	if err := w.Flush(); err != nil {
		return run, fmt.Errorf("raw stream flush: %w", err)
	}
	if err := c.CloseWrite(); err != nil {
		return run, fmt.Errorf("raw stream half-close: %w", err)
	}
	var count [8]byte
	if _, err := io.ReadFull(c, count[:]); err != nil {
		return run, fmt.Errorf("raw stream: read the sink's count: %w", err)
	}
	run.End = time.Now()
	run.AckTotal = binary.BigEndian.Uint64(count[:])
	if run.AckTotal != uint64(run.PayloadBytes) {
		return run, fmt.Errorf("raw stream: sink counted %d bytes, sent %d", run.AckTotal, run.PayloadBytes)
	}
	return run, nil
}

// rawPingPong sends size bytes to the echo server and reads them back,
// warmup times unmeasured and then count times measured.
func rawPingPong(c *net.TCPConn, size, warmup, count int, p *progress) (Samples, error) {
	buf := make([]byte, size)
	samples := make(Samples, 0, count)
	for i := range warmup + count {
		start := time.Now()
		if err := rawRoundTrip(c, buf); err != nil {
			return samples, fmt.Errorf("raw ping-pong %d: %w", i+1, err)
		}
		p.tick()
		if i >= warmup {
			samples = append(samples, time.Since(start))
		}
	}
	return samples, nil
}

// rawRoundTrip writes buf in one Write and reads exactly as many bytes
// back, into buf.
func rawRoundTrip(c *net.TCPConn, buf []byte) error {
	if _, err := c.Write(buf); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if _, err := io.ReadFull(c, buf); err != nil {
		return fmt.Errorf("read the echo: %w", err)
	}
	return nil
}
