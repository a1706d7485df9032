package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

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
	if !parseFlags(flags, args) {
		return 2
	}
	if *pings < 0 {
		fmt.Fprintf(os.Stderr, "client: -ping must be 0 or more, not %d\n", *pings)
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
