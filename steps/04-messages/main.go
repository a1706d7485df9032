// Command 04-messages is step 04 of ByteStream: the framed byte pipe of
// step 03 becomes a protocol.
//
// Every frame now carries a type byte after its length, and the server
// answers each request with exactly one typed reply: TEXT and DATA get an
// ACK with the running byte total, PING gets a PONG with the same payload,
// and a frame the server will not serve gets an ERROR while the connection
// stays open. From here on the wire format is the one in PROTOCOL.md, so
// this server and `final client` understand each other.
//
// Try it in two terminals:
//
//	go run ./steps/04-messages server
//	go run ./steps/04-messages client -message hello -message world
//	go run ./steps/04-messages client -frame 0x42:hi -message hello -ping 3
//
// Read this file from top to bottom: main picks a subcommand, the server
// comes next with the whole protocol in respond, then the frame format, and
// the client is last.
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
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// defaultAddr is where the server listens and the client connects unless
// -addr says otherwise. It is loopback only, so nothing outside this machine
// can reach a teaching server.
const defaultAddr = "127.0.0.1:9000"

const usage = `usage:
  go run ./steps/04-messages server [-addr ADDR] [-addr-file FILE]
  go run ./steps/04-messages client [-addr ADDR] [-message TEXT ...] [-frame TYPE:PAYLOAD ...] [-ping N]`

// main runs the subcommand named by the first argument. The work is in run,
// which returns an exit status instead of exiting, so that tests can call it.
func main() {
	os.Exit(run(os.Args[1:]))
}

// run dispatches to the server or the client. A command line it does not
// understand gets the usage and status 2, as the flag package does.
func run(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "server":
			return runServer(args[1:])
		case "client":
			return runClient(args[1:])
		}
	}
	fmt.Fprintln(os.Stderr, usage)
	return 2
}

// runServer listens, says where, and serves until it is interrupted.
func runServer(args []string) int {
	flags := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := flags.String("addr", defaultAddr, "listen on `ADDR`; port 0 lets the kernel pick a free port")
	addrFile := flags.String("addr-file", "", "once listening, write the address to `FILE` (for scripts and tests)")
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

	// Closing the listener on SIGINT makes Accept fail, which ends serve:
	// that is how Ctrl-C becomes a clean exit with status 0.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		ln.Close()
	}()

	// Requests go to stdout, one line each; everything else goes to
	// stderr. A log.Logger writes each line with one Write, even when
	// several connections print at once.
	err = serve(ln, log.New(os.Stdout, "", 0), logger)
	if ctx.Err() != nil {
		logger.Print("interrupted, shutting down")
		return 0
	}
	logger.Print(err)
	return 1
}

// serve accepts connections until ln is closed. Each connection is served in
// its own goroutine, so that one quiet client cannot hold up the others.
func serve(ln net.Listener, out, logger *log.Logger) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return fmt.Errorf("accept: %w", err)
		}
		go handle(conn, out, logger)
	}
}

// handle reads frames one after the other and answers each before reading
// the next. Answers therefore leave in the order the requests arrived, even
// when a client sends many requests before it reads any answer.
func handle(conn net.Conn, out, logger *log.Logger) {
	defer conn.Close()
	peer := conn.RemoteAddr()

	// The bufio.Reader turns many small frames into few system calls;
	// readFrame does not care how the bytes were grouped.
	in := bufio.NewReader(conn)
	var total uint64 // TEXT and DATA payload bytes accepted: what ACK reports
	for {
		t, payload, err := readFrame(in, maxPayloadSize)
		if err == io.EOF {
			logger.Printf("%s: connection closed cleanly, at a frame boundary", peer)
			return
		}
		if err != nil {
			// A framing error: we no longer know where the next frame
			// starts, so the only safe thing left is to hang up.
			logger.Printf("%s: %v", peer, err)
			return
		}
		printRequest(out, t, payload)
		answerType, answer := respond(t, payload, &total)
		if answerType == typeError {
			logger.Printf("%s: rejected %s frame: %s", peer, t, answer)
		}
		if err := writeFrame(conn, answerType, answer); err != nil {
			logger.Printf("%s: %v", peer, err)
			return
		}
	}
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
		return 0, nil, fmt.Errorf("read header: %w", err)
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
		return t, nil, fmt.Errorf("read %s payload: %w", t, err)
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
