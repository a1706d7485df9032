// Command 06-teardown is step 06 of ByteStream: step 05's server made to
// survive the real world, where clients are slow, silent, hostile, or leave
// in the middle of a frame.
//
// Each threat gets one rule, and each rule is a flag with a safe default:
//
//   - a connection with no frame started for -idle-timeout is closed;
//   - a frame that has started must arrive whole within -frame-timeout,
//     however slowly its bytes trickle in (slowloris);
//   - a length above -max-payload is answered with ERROR, then the server
//     hangs up, since it can no longer trust where frames start;
//   - a client that stops reading is cut off after -write-timeout;
//   - a client that half-closes gets every answer, then a clean close;
//   - a frame cut off by a close or a reset is logged with its byte counts;
//   - Ctrl-C stops accepting, lets each connection finish the frame it is
//     on, and waits up to -grace before it closes the rest;
//   - a panic while serving one connection closes that one, not the server;
//   - beyond -max-conns connections, a newcomer is told ERROR and closed.
//
// After this step everything in PROTOCOL.md applies.
//
//	go run ./steps/06-teardown server -idle-timeout 10s -frame-timeout 2s
//	go run ./steps/06-teardown client -message hello
//
// Read this file from top to bottom: main and runServer with the flags,
// then the server: serve, handle (the per-connection loop with its
// deadlines), hangUp and shutdown. The protocol in respond and the client
// are step 05's, and readFrame only adds byte counts to every error inside
// a frame. bench.go is step 05's but for the line that starts its server.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// defaultAddr is where the server listens and the client connects unless
// -addr says otherwise. It is loopback only, so nothing outside this machine
// can reach a teaching server.
const defaultAddr = "127.0.0.1:9000"

const usage = `usage:
  go run ./steps/06-teardown server [-addr ADDR] [-addr-file FILE] [-v] [-max-payload BYTES] [-max-conns N]
        [-idle-timeout D] [-frame-timeout D] [-write-timeout D] [-grace D]
  go run ./steps/06-teardown client [-addr ADDR] [-message TEXT ...] [-frame TYPE:PAYLOAD ...] [-ping N]
  go run ./steps/06-teardown bench [-addr ADDR] [-pings N] [-time DURATION] [-sizes LIST]`

// main runs the subcommand named by the first argument. The work is in run,
// which returns an exit status instead of exiting, so that tests can call it.
func main() {
	os.Exit(run(os.Args[1:]))
}

// run dispatches to the server, the client or the benchmark. A command line
// it does not understand gets the usage and status 2, as the flag package
// does.
func run(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "server":
			return runServer(args[1:])
		case "client":
			return runClient(args[1:])
		case "bench":
			return runBench(args[1:])
		}
	}
	fmt.Fprintln(os.Stderr, usage)
	return 2
}

// config holds the limits that keep one client from hurting the others.
// Each has a flag; the defaults are PROTOCOL.md's.
type config struct {
	maxPayload   int           // largest payload accepted, in bytes
	maxConns     int           // connections served at once
	idleTimeout  time.Duration // how long a connection may wait between frames
	frameTimeout time.Duration // how long one frame may take to arrive, once started
	writeTimeout time.Duration // how long one answer may take to leave
	grace        time.Duration // how long Ctrl-C waits for frames in progress
}

// defaultConfig has PROTOCOL.md's defaults. Only the connection cap is ours:
// a thousand goroutines and buffers are nothing to a server, and a few
// hundred thousand would be.
var defaultConfig = config{
	maxPayload:   maxPayloadSize,
	maxConns:     1000,
	idleTimeout:  60 * time.Second,
	frameTimeout: 10 * time.Second,
	writeTimeout: 10 * time.Second,
	grace:        5 * time.Second,
}

// runServer listens, says where, and serves until it is interrupted; then
// it shuts down gracefully.
func runServer(args []string) int {
	flags := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := flags.String("addr", defaultAddr, "listen on `ADDR`; port 0 lets the kernel pick a free port")
	addrFile := flags.String("addr-file", "", "once listening, write the address to `FILE` (for scripts and tests)")
	verbose := flags.Bool("v", false, "print every request on stdout (slow: it is one line per frame)")
	cfg := defaultConfig
	flags.IntVar(&cfg.maxPayload, "max-payload", cfg.maxPayload, "answer a longer frame with ERROR and hang up (`bytes`)")
	flags.IntVar(&cfg.maxConns, "max-conns", cfg.maxConns, "refuse connections beyond `N` at once")
	flags.DurationVar(&cfg.idleTimeout, "idle-timeout", cfg.idleTimeout, "close a connection with no frame started for this `long`")
	flags.DurationVar(&cfg.frameTimeout, "frame-timeout", cfg.frameTimeout, "a started frame must arrive whole within this `long`")
	flags.DurationVar(&cfg.writeTimeout, "write-timeout", cfg.writeTimeout, "close a connection whose answer cannot leave for this `long`")
	flags.DurationVar(&cfg.grace, "grace", cfg.grace, "on Ctrl-C, wait this `long` for frames in progress")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	logger := log.New(os.Stderr, "server: ", 0)

	// Listen first, then announce the address: with port 0 only the
	// listener knows which port the kernel chose.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Print(err)
		return 1
	}
	logger.Printf("listening on %s", ln.Addr())
	if *addrFile != "" {
		if err := writeAddrFile(*addrFile, ln.Addr().String()); err != nil {
			logger.Print(err)
			return 1
		}
	}

	// Closing the listener on SIGINT makes Accept fail, which ends serve.
	// The connections are still open at that point: shutdown deals with
	// them.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		ln.Close()
	}()

	// With -v, requests go to stdout, one line each; everything else goes
	// to stderr. Without it they go nowhere: at a few hundred thousand
	// frames a second, the lines would be the bottleneck.
	requests := log.New(io.Discard, "", 0)
	if *verbose {
		requests = log.New(os.Stdout, "", 0)
	}
	s := newServer(cfg, requests, logger)
	err = s.serve(ln)
	if ctx.Err() == nil {
		logger.Print(err)
		return 1
	}
	logger.Print("interrupted: stopped accepting, finishing the frames in progress")
	if !s.shutdown() {
		logger.Printf("grace period of %v over: closed the connections still busy", cfg.grace)
		return 0
	}
	logger.Print("shutdown clean")
	return 0
}

// server is step 05's serve and handle grown a memory: which connections
// are open and whether each is between frames, so that shutdown can close
// the idle ones at once and wait for the busy ones.
type server struct {
	cfg      config
	out, log *log.Logger
	// answer is respond, in a field so that a test can swap in one that
	// panics and prove the panic stays inside its connection.
	answer func(t msgType, payload []byte, total *uint64) (msgType, []byte)

	mu       sync.Mutex
	idle     map[net.Conn]bool // every open connection: true while between frames
	stopping bool              // set by shutdown: finish the frame, then close
	done     sync.WaitGroup    // one per connection being served
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
			s.done.Add(1)
		}
		s.mu.Unlock()
		if full {
			s.log.Printf("%s: refused: already serving %d connections", conn.RemoteAddr(), s.cfg.maxConns)
			go s.hangUp(conn, fmt.Sprintf("server busy: %d connections is the limit", s.cfg.maxConns))
			continue
		}
		go s.handle(conn)
	}
}

// minBackoff and maxBackoff bound the wait after a failed Accept, as in
// net/http: 5 ms, doubling up to a second.
const (
	minBackoff = 5 * time.Millisecond
	maxBackoff = time.Second
)

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
	for {
		// Between frames the client may stay quiet, but not forever: the
		// idle timeout. Peek waits for the first byte of the next frame
		// without consuming it.
		if !s.waitForFrame(conn, in.Buffered()) {
			s.log.Printf("%s: closed: the server is shutting down", peer)
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
		t, payload, err := readFrame(in, s.cfg.maxPayload)
		if err != nil {
			s.endInFrame(conn, err)
			return
		}
		printRequest(s.out, t, payload)
		answerType, answer := s.answer(t, payload, &total)
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
	}
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
	case errors.Is(err, errTooLarge):
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

// lingerTime bounds how long hangUp keeps reading after its ERROR.
const lingerTime = 500 * time.Millisecond

// hangUp sends one ERROR frame, best effort, and closes conn. Closing a
// socket that still has unread bytes makes the kernel answer with a reset,
// and a reset can destroy the ERROR before the client has read it. So
// hangUp first closes only its sending half, then reads and drops whatever
// the client is still sending, for lingerTime at most, and only then
// closes.
func (s *server) hangUp(conn net.Conn, reason string) {
	defer conn.Close()
	conn.SetWriteDeadline(time.Now().Add(s.cfg.writeTimeout))
	if err := writeFrame(conn, typeError, []byte(reason)); err != nil {
		return
	}
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

// respond is the whole protocol: one switch on the type byte, one answer per
// request. A message error (a type we do not serve, text that is not UTF-8)
// is answered with ERROR and the connection stays open, because the length
// prefix still told us exactly where this frame ended and the next begins.
// A rejected frame does not count toward the total.
func respond(t msgType, payload []byte, total *uint64) (msgType, []byte) {
	switch t {
	case typeText:
		if !utf8.Valid(payload) {
			return typeError, []byte("TEXT payload is not valid UTF-8")
		}
		*total += uint64(len(payload))
		return typeAck, binary.BigEndian.AppendUint64(nil, *total)
	case typeData:
		*total += uint64(len(payload))
		return typeAck, binary.BigEndian.AppendUint64(nil, *total)
	case typePing:
		return typePong, payload
	case typePong, typeAck, typeError:
		return typeError, fmt.Appendf(nil, "%s is sent by the server, not by clients", t)
	default:
		return typeError, fmt.Appendf(nil, "unknown message type %s", t)
	}
}

// printRequest shows what the server understood, one line per frame, like
// the `received "hello"` lines of the earlier steps. Text is quoted; other
// payloads are opaque bytes, so only their size is shown.
func printRequest(out *log.Logger, t msgType, payload []byte) {
	if t == typeText {
		out.Printf("received %s %q", t, payload)
		return
	}
	out.Printf("received %s (%d bytes)", t, len(payload))
}

// A frame is step 03's length prefix plus one byte that says what the
// payload means:
//
//	+--------+--------+--------+--------+--------+---------------------+
//	|     payload length, big-endian    |  type  | payload (length B)  |
//	+--------+--------+--------+--------+--------+---------------------+
//
// The length counts the payload only, so an empty PING is five bytes.
const headerSize = 5

// maxPayloadSize is the largest payload the server accepts, the 16 MiB of
// PROTOCOL.md. readFrame checks it before allocating anything, so a peer
// that declares 4 GiB costs the server nothing.
const maxPayloadSize = 16 << 20

// msgType is the type byte. A named type lets %s print it by name.
type msgType byte

// The six types of the protocol. Clients send TEXT, PING and DATA; the
// server answers with PONG, ACK or ERROR.
const (
	typeText  msgType = 0x01
	typePing  msgType = 0x02
	typePong  msgType = 0x03
	typeData  msgType = 0x04
	typeAck   msgType = 0x05
	typeError msgType = 0x06
)

var typeNames = map[msgType]string{
	typeText: "TEXT", typePing: "PING", typePong: "PONG",
	typeData: "DATA", typeAck: "ACK", typeError: "ERROR",
}

// String names a known type and prints any other code in hex, the way the
// server's ERROR text quotes it: "unknown message type 0x42".
func (t msgType) String() string {
	if name, ok := typeNames[t]; ok {
		return name
	}
	return fmt.Sprintf("0x%02x", byte(t))
}

// errTooLarge reports a declared length above maxPayload.
var errTooLarge = errors.New("frame too large")

// readFrame reads one frame and returns its type and payload, of at most
// max bytes. It is step 03's readFrame with one more header byte: the
// header is read whole before the type means anything, so a frame cut
// anywhere is still told apart from a clean end between frames.
func readFrame(r io.Reader, max int) (msgType, []byte, error) {
	var header [headerSize]byte
	n, err := io.ReadFull(r, header[:])
	switch {
	case err == io.EOF:
		return 0, nil, io.EOF
	case err == io.ErrUnexpectedEOF:
		return 0, nil, fmt.Errorf("truncated frame: %d of %d header bytes: %w", n, headerSize, err)
	case err != nil:
		return 0, nil, fmt.Errorf("frame header: %d of %d bytes, then: %w", n, headerSize, err)
	}
	size := binary.BigEndian.Uint32(header[0:4])
	t := msgType(header[4])

	// Check the length before allocating: the header is five bytes anyone
	// can send, and make([]byte, 4<<30) is not a request to honour.
	if uint64(size) > uint64(max) {
		return t, nil, fmt.Errorf("%w: %d bytes > limit %d", errTooLarge, size, max)
	}
	payload := make([]byte, size)
	n, err = io.ReadFull(r, payload)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return t, nil, fmt.Errorf("truncated %s frame: %d of %d payload bytes: %w", t, n, size, io.ErrUnexpectedEOF)
	case err != nil:
		return t, nil, fmt.Errorf("%s frame: %d of %d payload bytes, then: %w", t, n, size, err)
	}
	return t, payload, nil
}

// writeFrame sends header and payload with one Write. Two writes would
// arrive just as well, since TCP keeps bytes in order, but one Write is one
// system call and never leaves a lone header waiting for its payload.
func writeFrame(w io.Writer, t msgType, payload []byte) error {
	frame := make([]byte, headerSize+len(payload))
	binary.BigEndian.PutUint32(frame[0:4], uint32(len(payload)))
	frame[4] = byte(t)
	copy(frame[headerSize:], payload)
	if _, err := w.Write(frame); err != nil {
		return fmt.Errorf("write %s frame: %w", t, err)
	}
	return nil
}

// request is one frame the client sends.
type request struct {
	t       msgType
	payload []byte
}

// runClient sends each request, waits for its answer and prints it, in the
// order the flags were given, then measures -ping round trips.
func runClient(args []string) int {
	flags := flag.NewFlagSet("client", flag.ContinueOnError)
	addr := flags.String("addr", defaultAddr, "connect to `ADDR`")
	// -message and -frame append to the same list, so requests go out in
	// the order they appear on the command line.
	var requests []request
	flags.Func("message", "send `TEXT` as a TEXT frame and print the answer; repeat the flag to send several", func(s string) error {
		requests = append(requests, request{typeText, []byte(s)})
		return nil
	})
	flags.Func("frame", "send a frame of any type, `TYPE:PAYLOAD` such as PING:hi or 0x42:hi", func(s string) error {
		req, err := parseFrameFlag(s)
		if err != nil {
			return err
		}
		requests = append(requests, req)
		return nil
	})
	pings := flags.Int("ping", 0, "then send `N` PINGs and print each round-trip time")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if len(requests) == 0 && *pings == 0 {
		fmt.Fprintln(os.Stderr, "client: nothing to send: give -message, -frame or -ping")
		return 2
	}
	logger := log.New(os.Stderr, "client: ", 0)

	conn, err := net.Dial("tcp", *addr)
	if err != nil {
		logger.Print(err)
		return 1
	}
	defer conn.Close()
	in := bufio.NewReader(conn)

	rejected := 0
	for _, req := range requests {
		t, answer, err := roundTrip(conn, in, req)
		if err != nil {
			logger.Print(err)
			return 1
		}
		printAnswer(t, answer)
		if t == typeError {
			rejected++
		}
	}
	if err := ping(conn, in, *pings); err != nil {
		logger.Print(err)
		return 1
	}
	if err := finish(conn, in); err != nil {
		logger.Print(err)
		return 1
	}
	if rejected > 0 {
		logger.Printf("the server rejected %d of %d requests", rejected, len(requests))
		return 1
	}
	return 0
}

// roundTrip sends one request and reads the one answer the protocol
// promises for it.
func roundTrip(conn net.Conn, in io.Reader, req request) (msgType, []byte, error) {
	if err := writeFrame(conn, req.t, req.payload); err != nil {
		return 0, nil, err
	}
	t, answer, err := readFrame(in, maxPayloadSize)
	if err == io.EOF {
		return 0, nil, fmt.Errorf("the server hung up instead of answering %s", req.t)
	}
	return t, answer, err
}

// ping measures n round trips. Each PING carries its sequence number, so a
// PONG that answers the wrong PING is caught instead of timed.
func ping(conn net.Conn, in io.Reader, n int) error {
	for seq := 1; seq <= n; seq++ {
		payload := binary.BigEndian.AppendUint64(nil, uint64(seq))
		start := time.Now()
		t, answer, err := roundTrip(conn, in, request{typePing, payload})
		rtt := time.Since(start)
		if err != nil {
			return err
		}
		if t != typePong || !bytes.Equal(answer, payload) {
			return fmt.Errorf("PING %d answered with %s %q", seq, t, answer)
		}
		fmt.Printf("PONG %d rtt %v\n", seq, rtt.Round(time.Microsecond))
	}
	return nil
}

// printAnswer prints one answer per line: `ACK 5`, `PONG "hi"` or
// `ERROR "unknown message type 0x42"`.
func printAnswer(t msgType, answer []byte) {
	if t == typeAck && len(answer) == 8 {
		fmt.Printf("ACK %d\n", binary.BigEndian.Uint64(answer))
		return
	}
	fmt.Printf("%s %q\n", t, answer)
}

// parseFrameFlag parses TYPE:PAYLOAD, where TYPE is a name (TEXT, PING,
// ...) or a code such as 0x42: the way to see how the server treats a type
// it does not serve.
func parseFrameFlag(s string) (request, error) {
	name, payload, ok := strings.Cut(s, ":")
	if !ok {
		return request{}, fmt.Errorf("want TYPE:PAYLOAD, got %q", s)
	}
	for t, n := range typeNames {
		if strings.EqualFold(n, name) {
			return request{t, []byte(payload)}, nil
		}
	}
	code, err := strconv.ParseUint(name, 0, 8)
	if err != nil {
		return request{}, fmt.Errorf("type %q is neither a name like PING nor a code like 0x42", name)
	}
	return request{msgType(code), []byte(payload)}, nil
}

// finish closes the client's sending half, so that the server reads a clean
// end of stream at a frame boundary, and then waits until the server closes
// its side. An answer nobody asked for is an error.
func finish(conn net.Conn, in io.Reader) error {
	half, ok := conn.(interface{ CloseWrite() error })
	if !ok {
		return fmt.Errorf("finish: %T cannot close only its sending half", conn)
	}
	if err := half.CloseWrite(); err != nil {
		return fmt.Errorf("finish: %w", err)
	}
	t, answer, err := readFrame(in, maxPayloadSize)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return fmt.Errorf("finish: wait for the server to close: %w", err)
	}
	return fmt.Errorf("finish: unexpected %s %q after the last answer", t, answer)
}

// writeAddrFile writes addr to path atomically: into a temporary file in the
// same directory first, then renamed over path. A script waiting for path
// never sees it half written.
func writeAddrFile(path, addr string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("addr file: %w", err)
	}
	_, err = tmp.WriteString(addr + "\n")
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("addr file: %w", err)
	}
	return nil
}
