package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"time"
)

// server is step 05's serve and handle grown a memory: which connections
// are open and whether each is between frames, so that shutdown can close
// the idle ones at once and wait for the busy ones, and how many payload
// bytes they hold between them, so that all of them together stay within
// -max-memory.
type server struct {
	cfg      config
	out, log *log.Logger
	// answer is respond, in a field so that a test can swap in one that
	// panics and prove the panic stays inside its connection.
	answer func(t msgType, payload []byte, size int, total *uint64) (msgType, []byte)

	mu       sync.Mutex
	idle     map[net.Conn]bool // every open connection: true while between frames
	held     int               // payload bytes held by all connections together
	stopping bool              // set by shutdown: finish the frame, then close
	done     sync.WaitGroup    // one per connection being served or refused
}

func newServer(cfg config, out, logger *log.Logger) *server {
	return &server{cfg: cfg, out: out, log: logger, answer: respond, idle: make(map[net.Conn]bool)}
}

// serve accepts connections until ln is closed. Each connection is served in
// its own goroutine, so that one quiet client cannot hold up the others. A
// connection beyond the cap is told why and closed: a server that accepted
// without limit would run out of memory or file descriptors for everyone.
func (s *server) serve(ln net.Listener) error {
	backoff := minBackoff
	for {
		conn, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("accept: %w", err)
		}
		if err != nil {
			// Any other error, such as running out of file descriptors,
			// may pass once some connections close. Wait and try again,
			// longer each time, rather than spin on the error or die of it.
			s.log.Printf("accept: %v; retrying in %v", err, backoff)
			time.Sleep(backoff)
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = minBackoff
		s.mu.Lock()
		full := len(s.idle) >= s.cfg.maxConns
		if !full {
			s.idle[conn] = true
		}
		// A refused connection is work too: its ERROR and its close are
		// counted in done, so that shutdown waits for them as well.
		s.done.Add(1)
		s.mu.Unlock()
		if full {
			s.log.Printf("%s: refused: already serving %d connections", conn.RemoteAddr(), s.cfg.maxConns)
			go func() {
				defer s.done.Done()
				s.hangUp(conn, fmt.Sprintf("server busy: %d connections is the limit", s.cfg.maxConns))
			}()
			continue
		}
		go s.handle(conn)
	}
}

// handle reads frames one after the other and answers each before reading
// the next, as in step 05. What is new is the deadlines around each step,
// and what happens when one of them, or anything else, goes wrong.
func (s *server) handle(conn net.Conn) {
	peer := conn.RemoteAddr()
	defer s.done.Done()
	defer func() {
		s.mu.Lock()
		delete(s.idle, conn)
		s.mu.Unlock()
		conn.Close()
	}()
	// A bug that panics while serving one client must not take the
	// others down with it: log it with its stack, close this
	// connection, and keep serving.
	defer func() {
		if p := recover(); p != nil {
			s.log.Printf("%s: panic serving this connection, closing it: %v\n%s", peer, p, debug.Stack())
		}
	}()

	in := bufio.NewReader(conn)
	var total uint64 // TEXT and DATA payload bytes accepted: what ACK reports
	held := 0        // payload bytes this connection holds, from receive
	defer func() { s.release(held) }()
	for {
		// Between frames the client may stay quiet, but not forever: the
		// idle timeout. Peek waits for the first byte of the next frame
		// without consuming it.
		if !s.waitForFrame(conn, in.Buffered()) {
			s.log.Printf("%s: closed: the server is shutting down", peer)
			linger(conn)
			return
		}
		if _, err := in.Peek(1); err != nil {
			s.endBetweenFrames(conn, err)
			return
		}
		s.setIdle(conn, false)

		// A frame has started. It gets one deadline for all of it, not one
		// per Read: a client sending one byte a second would satisfy any
		// per-Read timeout forever, holding a connection and a buffer.
		conn.SetReadDeadline(time.Now().Add(s.cfg.frameTimeout))
		t, size, err := readHeader(in, s.cfg.maxPayload)
		var payload []byte
		if err == nil {
			payload, held, err = s.receive(in, t, size)
		}
		if err != nil {
			s.endInFrame(conn, err)
			return
		}
		printRequest(s.out, t, payload, size)
		answerType, answer := s.answer(t, payload, size, &total)
		if answerType == typeError {
			s.log.Printf("%s: rejected %s frame: %s", peer, t, answer)
		}

		// A client that sends but never reads fills its receive buffer,
		// then ours, and then our Write blocks. The write deadline turns
		// that into an error instead of a goroutine stuck forever.
		conn.SetWriteDeadline(time.Now().Add(s.cfg.writeTimeout))
		if err := writeFrame(conn, answerType, answer); err != nil {
			s.log.Printf("%s: closed: the client is not reading: %v", peer, err)
			return
		}
		s.release(held)
		held = 0
	}
}

// receive reads the payload of a frame whose header said t and size, and
// is where the server's memory goes. Memory is about connections × payload
// limit if every payload is kept: 1000 × 16 MiB is 16 GiB, and a hundred
// clients each sending 16 MiB - 1 byte, all within the limit, take 1.6 GB.
// So DATA, which only needs counting, is read and dropped a few kilobytes
// at a time. TEXT must be held to check its UTF-8 and PING to echo it (it
// costs twice: the payload, then the PONG frame built from it); before
// allocating, each takes its cost from the -max-memory that all
// connections share, and held says how much, for release once the answer
// has left. When the budget cannot cover it the answer is errBusy, and the
// connection ends. Any other type is refused by respond unread. Memory
// then stays near -max-memory plus a few kilobytes per connection.
func (s *server) receive(in io.Reader, t msgType, size int) (payload []byte, held int, err error) {
	cost := 0
	switch t {
	case typeText:
		cost = size
	case typePing:
		cost = 2 * size
	}
	if cost == 0 {
		return nil, 0, skipPayload(in, t, size)
	}
	s.mu.Lock()
	fits := s.held+cost <= s.cfg.maxMemory
	if fits {
		s.held += cost
	}
	s.mu.Unlock()
	if !fits {
		return nil, 0, fmt.Errorf("%w: no room for a %d-byte %s payload within -max-memory %d", errBusy, size, t, s.cfg.maxMemory)
	}
	payload, err = readPayload(in, t, size)
	if err != nil {
		s.release(cost)
		return nil, 0, err
	}
	return payload, cost, nil
}

// errBusy reports a payload the server has no memory left for just now.
var errBusy = errors.New("server busy")

// release gives n bytes back to the payload budget.
func (s *server) release(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held -= n
}

// waitForFrame marks conn as between frames and arms the idle timeout. It
// returns false if the server is shutting down and no byte of another frame
// has arrived: that connection has nothing left to finish. Bytes already
// read into the buffer are frames the client sent before the shutdown, and
// they are answered.
func (s *server) waitForFrame(conn net.Conn, buffered int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping && buffered == 0 {
		return false
	}
	s.idle[conn] = true
	conn.SetReadDeadline(time.Now().Add(s.cfg.idleTimeout))
	return true
}

func (s *server) setIdle(conn net.Conn, idle bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idle[conn] = idle
}

// endBetweenFrames explains why a connection ended while no frame had
// started. Only io.EOF here is the clean end: the client closed (or
// half-closed) its side, and every frame it sent has been answered.
func (s *server) endBetweenFrames(conn net.Conn, err error) {
	peer := conn.RemoteAddr()
	s.mu.Lock()
	stopping := s.stopping
	s.mu.Unlock()
	switch {
	case err == io.EOF:
		s.log.Printf("%s: connection closed cleanly, at a frame boundary", peer)
	case errors.Is(err, os.ErrDeadlineExceeded) && stopping:
		s.log.Printf("%s: closed: the server is shutting down", peer)
		linger(conn) // the client may have sent more meanwhile
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.log.Printf("%s: closed: idle for %v", peer, s.cfg.idleTimeout)
	default:
		s.log.Printf("%s: between frames: %v", peer, err)
	}
}

// endInFrame handles an error inside a frame: a framing error. The stream
// can no longer be trusted, so the connection ends. When the client may
// still be listening, it is told why first.
func (s *server) endInFrame(conn net.Conn, err error) {
	peer := conn.RemoteAddr()
	switch {
	case errors.Is(err, errTooLarge), errors.Is(err, errBusy):
		s.log.Printf("%s: closed: %v", peer, err)
		s.hangUp(conn, err.Error())
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.log.Printf("%s: closed: frame not complete after %v: %v", peer, s.cfg.frameTimeout, err)
		s.hangUp(conn, fmt.Sprintf("frame not complete after %v", s.cfg.frameTimeout))
	default:
		// The client closed or reset the connection mid-frame: there is
		// nobody left to tell. The byte counts in err say how far it got.
		s.log.Printf("%s: closed mid-frame: %v", peer, err)
	}
}

// hangUp sends one ERROR frame, best effort, and closes conn with linger,
// so that the ERROR reaches the client.
func (s *server) hangUp(conn net.Conn, reason string) {
	conn.SetWriteDeadline(time.Now().Add(s.cfg.writeTimeout))
	writeFrame(conn, typeError, []byte(reason))
	linger(conn)
}

// lingerTime bounds how long linger keeps reading before it closes.
const lingerTime = 500 * time.Millisecond

// linger closes conn without losing what the server wrote to it. Closing a
// socket that still has unread bytes makes the kernel answer with a reset,
// and a reset can destroy answers before the client has read them: an
// ERROR, or the last ACKs before a shutdown. So linger first closes only
// its sending half, which the client reads as the end of the stream, then
// reads and drops whatever the client is still sending, until the client
// closes too or lingerTime has passed, and only then closes.
func linger(conn net.Conn) {
	defer conn.Close()
	if half, ok := conn.(interface{ CloseWrite() error }); ok {
		half.CloseWrite()
	}
	conn.SetReadDeadline(time.Now().Add(lingerTime))
	io.Copy(io.Discard, conn)
}

// shutdown runs once the listener is closed. Connections between frames are
// woken up by a deadline in the past and close at once; a connection inside
// a frame finishes it, answers it and whatever else it has already read,
// and closes when it would next wait.
// If they are not all done within the grace period, the rest are closed
// and shutdown returns false.
func (s *server) shutdown() bool {
	s.mu.Lock()
	s.stopping = true
	for conn, idle := range s.idle {
		if idle {
			conn.SetReadDeadline(time.Now())
		}
	}
	s.mu.Unlock()

	finished := make(chan struct{})
	go func() {
		s.done.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return true
	case <-time.After(s.cfg.grace):
	}
	s.mu.Lock()
	for conn := range s.idle {
		conn.Close()
	}
	s.mu.Unlock()
	<-finished
	return false
}
