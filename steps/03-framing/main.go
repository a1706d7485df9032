// Command 03-framing is step 03 of ByteStream: each message travels as a
// frame, a 4-byte big-endian length followed by that many bytes.
//
// Step 02 made messages survive any cutting of the stream, but only by
// forcing every message into the same size. Here the sender writes the
// length of each message before it, and the receiver reads exactly the 4
// bytes of that length and then exactly as many bytes as it says. Messages
// can be any size up to the receiver's limit, and cost 4 bytes more than
// their text. The receiver checks the length against that limit before it
// allocates anything, and tells a stream that ends cleanly between frames
// from one cut off inside a frame.
//
// Try it in two terminals:
//
//	go run ./steps/03-framing server
//	go run ./steps/03-framing client -message hello -message world
//
// Read this file from top to bottom: main picks a subcommand, the server
// comes next with readFrame, this step's lesson, and the client ends with
// writeFrame, its mirror image.
package main

import (
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
	"syscall"
)

// defaultAddr is where the server listens and the client connects unless
// -addr says otherwise. It is loopback only, so nothing outside this machine
// can reach a teaching server.
const defaultAddr = "127.0.0.1:9000"

const usage = `usage:
  go run ./steps/03-framing server [-addr ADDR] [-addr-file FILE]
  go run ./steps/03-framing client [-addr ADDR] -message TEXT [-message TEXT ...]`

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

	// Messages go to stdout, one line each; everything else goes to stderr.
	// A log.Logger writes each line with one Write, even when several
	// connections print at once.
	err = serve(ln, log.New(os.Stdout, "", 0), logger)
	if ctx.Err() != nil {
		logger.Print("interrupted, shutting down")
		return 0
	}
	logger.Print(err)
	return 1
}

// serve accepts connections until ln is closed. Each connection is read in
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

// headerSize is the size of the length prefix. Four bytes hold any length
// up to 4 GiB - 1, and big-endian order, most significant byte first, is
// the usual order on the network.
const headerSize = 4

// maxMessageSize is the largest message the server accepts. The length
// prefix is four bytes that anyone can write, so a server that trusted it
// would allocate 4 GiB for a client that asked.
const maxMessageSize = 1 << 20

// errTooLarge is the error for a frame longer than the reader allows, so
// that a caller can tell it apart with errors.Is.
var errTooLarge = errors.New("frame too large")

// handle prints every message that arrives on conn, then closes conn.
// Closing tells the client that the server has read everything it sent.
func handle(conn net.Conn, out, logger *log.Logger) {
	defer conn.Close()
	err := readFrames(conn, func(msg []byte) {
		out.Printf("received %q", msg)
	})
	if err != nil {
		logger.Printf("%s: %v", conn.RemoteAddr(), err)
		return
	}
	logger.Printf("%s: connection closed cleanly, at a frame boundary", conn.RemoteAddr())
}

// readFrames reads frames until the stream ends and delivers each message.
// It returns nil only for a clean end, between two frames.
func readFrames(r io.Reader, deliver func(msg []byte)) error {
	for {
		msg, err := readFrame(r, maxMessageSize)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		deliver(msg)
	}
}

// readFrame reads one frame and returns its message, of at most limit bytes.
// io.ReadFull does the work that readExactly did in step 02: it keeps
// calling Read until it has all the bytes it was asked for.
func readFrame(r io.Reader, limit int) ([]byte, error) {
	// First the header. If the stream ends before its first byte, the
	// sender stopped between frames: that is the clean end, io.EOF. If it
	// ends after some of the header, the frame was cut off.
	var header [headerSize]byte
	n, err := io.ReadFull(r, header[:])
	switch {
	case err == io.EOF:
		return nil, io.EOF
	case err == io.ErrUnexpectedEOF:
		return nil, fmt.Errorf("truncated frame: %d of %d header bytes: %w", n, headerSize, err)
	case err != nil:
		return nil, fmt.Errorf("read header: %w", err)
	}

	// Check the length before allocating a buffer for it.
	size := binary.BigEndian.Uint32(header[:])
	if uint64(size) > uint64(limit) {
		return nil, fmt.Errorf("%w: %d bytes > limit %d", errTooLarge, size, limit)
	}

	// Then the message. Here any end of stream is a truncated frame, even
	// one right after the header: the header promised size more bytes.
	msg := make([]byte, size)
	n, err = io.ReadFull(r, msg)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return nil, fmt.Errorf("truncated frame: %d of %d message bytes: %w", n, size, io.ErrUnexpectedEOF)
	case err != nil:
		return nil, fmt.Errorf("read message: %w", err)
	}
	return msg, nil
}

// runClient connects and sends every -message as its own Write.
func runClient(args []string) int {
	flags := flag.NewFlagSet("client", flag.ContinueOnError)
	addr := flags.String("addr", defaultAddr, "connect to `ADDR`")
	var messages []string
	flags.Func("message", "send `TEXT` as one frame with one Write; repeat the flag to send several", func(s string) error {
		messages = append(messages, s)
		return nil
	})
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if len(messages) == 0 {
		fmt.Fprintln(os.Stderr, "client: nothing to send: give -message at least once")
		return 2
	}
	logger := log.New(os.Stderr, "client: ", 0)

	conn, err := net.Dial("tcp", *addr)
	if err != nil {
		logger.Print(err)
		return 1
	}
	defer conn.Close()
	if err := send(conn, messages); err != nil {
		logger.Print(err)
		return 1
	}
	logger.Printf("frames sent: %d, %d bytes on the wire for %d bytes of messages",
		len(messages), len(messages)*headerSize+totalLen(messages), totalLen(messages))
	return 0
}

// send writes each message as one frame with a Write of its own. However
// the network cuts or merges those writes, the server reads the frames back
// whole.
func send(conn net.Conn, messages []string) error {
	for _, m := range messages {
		if err := writeFrame(conn, []byte(m)); err != nil {
			return fmt.Errorf("write %q: %w", m, err)
		}
	}
	return finish(conn)
}

// writeFrame writes msg's length and then msg. It puts both in one buffer
// and sends them with one Write: two Writes would work just as well for the
// receiver, but would cost a second system call and could leave as two
// small packets.
func writeFrame(w io.Writer, msg []byte) error {
	frame := make([]byte, headerSize+len(msg))
	binary.BigEndian.PutUint32(frame, uint32(len(msg)))
	copy(frame[headerSize:], msg)
	_, err := w.Write(frame)
	return err
}

// totalLen is the number of bytes in messages, to compare with what the
// frames cost.
func totalLen(messages []string) int {
	total := 0
	for _, m := range messages {
		total += len(m)
	}
	return total
}

// finish closes the client's sending half, so that the server's Read
// reports io.EOF once it has read everything, and then waits until the
// server closes its side. When finish returns, the server has seen every
// byte the client sent.
func finish(conn net.Conn) error {
	half, ok := conn.(interface{ CloseWrite() error })
	if !ok {
		return fmt.Errorf("finish: %T cannot close only its sending half", conn)
	}
	if err := half.CloseWrite(); err != nil {
		return fmt.Errorf("finish: %w", err)
	}
	if _, err := io.Copy(io.Discard, conn); err != nil {
		return fmt.Errorf("finish: wait for the server to close: %w", err)
	}
	return nil
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
