package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// runBench measures a server: first the round-trip time of PING, then DATA
// throughput for each payload size, stop-and-wait and pipelined. Without
// -addr it starts step 05's own server in this process, so that `bench`
// alone is a complete experiment.
func runBench(args []string) int {
	flags := flag.NewFlagSet("bench", flag.ContinueOnError)
	addr := flags.String("addr", "", "measure the server at `ADDR`; empty starts one in this process on a free port")
	pings := flags.Int("pings", 2000, "time `N` PING round trips, after N/10 more to warm up")
	perCell := flags.Duration("time", 250*time.Millisecond, "send DATA for this `long` per payload size and mode")
	sizeList := flags.String("sizes", "64,256,1K,4K,16K,64K,256K,1M,4M", "DATA payload `sizes` to measure, comma-separated, K = 1024 bytes")
	if !parseFlags(flags, args) {
		return 2
	}
	// Each bad setting gets its own message, naming the flag: a report of
	// zeros from -time -1s would look like a measurement.
	sizes, err := parseSizes(*sizeList)
	switch {
	case err != nil:
		fmt.Fprintf(os.Stderr, "bench: -sizes: %v\n", err)
		return 2
	case *pings < 1:
		fmt.Fprintf(os.Stderr, "bench: -pings must be at least 1, not %d\n", *pings)
		return 2
	case *perCell <= 0:
		fmt.Fprintf(os.Stderr, "bench: -time must be positive, not %v\n", *perCell)
		return 2
	}
	logger := log.New(os.Stderr, "bench: ", 0)

	if *addr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			logger.Print(err)
			return 1
		}
		defer ln.Close()
		go newServer(defaultConfig, log.New(io.Discard, "", 0), log.New(io.Discard, "", 0)).serve(ln)
		*addr = ln.Addr().String()
		logger.Printf("no -addr: measuring this step's server, started in this process on %s", *addr)
	}

	samples, err := measurePings(*addr, *pings)
	if err != nil {
		logger.Print(err)
		return 1
	}
	printLatency(os.Stdout, samples)

	rows, err := measureThroughput(*addr, sizes, *perCell)
	if err != nil {
		logger.Print(err)
		return 1
	}
	printThroughput(os.Stdout, rows, *perCell)
	return 0
}

// parseSizes parses "64,1K,1M": bytes, with K and M for 1024 and 1024².
func parseSizes(list string) ([]int, error) {
	var sizes []int
	for _, field := range strings.Split(list, ",") {
		number, unit := field, 1
		switch {
		case strings.HasSuffix(field, "K"):
			number, unit = strings.TrimSuffix(field, "K"), 1<<10
		case strings.HasSuffix(field, "M"):
			number, unit = strings.TrimSuffix(field, "M"), 1<<20
		}
		// Compare before multiplying: 9999999999999M would overflow.
		n, err := strconv.Atoi(number)
		if err != nil || n < 0 || n > maxPayloadSize/unit {
			return nil, fmt.Errorf("size %q: want 0 to 16M", field)
		}
		sizes = append(sizes, n*unit)
	}
	return sizes, nil
}

// measurePings times n round trips on one connection, each a PING that
// waits for its PONG. The first n/10 are sent but not kept: the first
// round trips of a connection pay for cold caches and a sleeping scheduler,
// which is real but is not what we want to know. The samples come back
// sorted, shortest first, since every statistic below needs them that way.
func measurePings(addr string, n int) ([]time.Duration, error) {
	conn, in, err := dialBench(addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	samples := make([]time.Duration, 0, n)
	payload := make([]byte, 8)
	for i := range n/10 + n {
		start := time.Now()
		t, answer, err := roundTrip(conn, in, request{typePing, payload})
		rtt := time.Since(start)
		if err != nil {
			return nil, err
		}
		if t != typePong || len(answer) != len(payload) {
			return nil, fmt.Errorf("PING answered with %s %q", t, answer)
		}
		if i >= n/10 {
			samples = append(samples, rtt)
		}
	}
	slices.Sort(samples)
	return samples, finish(conn, in)
}

// percentile returns the sample that p percent of the sorted samples are at
// or below (the "nearest rank" definition). p99 of 2000 samples is the
// 1980th: 20 round trips were slower.
func percentile(sorted []time.Duration, p float64) time.Duration {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[max(rank, 1)-1]
}

// mean is the average, printed next to the percentiles to show what it
// hides: a few slow samples pull it above the median, and it says nothing
// of how slow they were.
func mean(samples []time.Duration) time.Duration {
	var sum time.Duration
	for _, s := range samples {
		sum += s
	}
	return sum / time.Duration(len(samples))
}

// row is one payload size's result in both modes.
type row struct {
	size                   int
	stopAndWait, pipelined rate
}

// rate is what one measurement achieved.
type rate struct {
	frames  int
	elapsed time.Duration
	size    int
}

func (r rate) bytesPerSecond() float64 { return float64(r.frames*r.size) / r.elapsed.Seconds() }

func (r rate) framesPerSecond() float64 { return float64(r.frames) / r.elapsed.Seconds() }

// measureThroughput measures every size in both modes, each on a fresh
// connection so that one measurement's leftovers cannot slow the next.
func measureThroughput(addr string, sizes []int, d time.Duration) ([]row, error) {
	var rows []row
	for _, size := range sizes {
		sw, err := stopAndWait(addr, size, d)
		if err != nil {
			return nil, fmt.Errorf("stop-and-wait, %d-byte DATA: %w", size, err)
		}
		pl, err := pipelined(addr, size, d)
		if err != nil {
			return nil, fmt.Errorf("pipelined, %d-byte DATA: %w", size, err)
		}
		rows = append(rows, row{size, sw, pl})
	}
	return rows, nil
}

// stopAndWait sends a DATA frame, waits for its ACK, and only then sends
// the next, for d. Every frame pays a whole round trip, and the wire is
// idle in one direction while the other is busy.
func stopAndWait(addr string, size int, d time.Duration) (rate, error) {
	conn, in, err := dialBench(addr)
	if err != nil {
		return rate{}, err
	}
	defer conn.Close()
	payload := make([]byte, size)
	frames := 0
	start := time.Now()
	for time.Since(start) < d {
		t, answer, err := roundTrip(conn, in, request{typeData, payload})
		if err != nil {
			return rate{}, err
		}
		frames++
		if err := checkAck(t, answer, frames*size); err != nil {
			return rate{}, err
		}
	}
	elapsed := time.Since(start)
	return rate{frames, elapsed, size}, finish(conn, in)
}

// pipelined sends DATA frames for d from a goroutine that never waits for
// an answer, while this goroutine reads the ACKs as they come: both
// directions of the wire stay busy. When d has passed the sender
// half-closes the connection; the server answers everything it has read and
// then closes its side, and that end of stream stops the clock.
func pipelined(addr string, size int, d time.Duration) (rate, error) {
	conn, in, err := dialBench(addr)
	if err != nil {
		return rate{}, err
	}
	defer conn.Close()
	payload := make([]byte, size)
	start := time.Now()
	sent := make(chan error, 1)
	go func() {
		for time.Since(start) < d {
			if err := writeFrame(conn, typeData, payload); err != nil {
				sent <- err
				return
			}
		}
		sent <- conn.(*net.TCPConn).CloseWrite()
	}()

	frames, err := countAcks(in, size)
	elapsed := time.Since(start)
	if err != nil {
		conn.Close() // unblocks the sender if it is stuck in a write
	}
	if err := errors.Join(err, <-sent); err != nil {
		return rate{}, err
	}
	return rate{frames, elapsed, size}, nil
}

// countAcks reads ACKs until the server closes the connection and returns
// how many there were, checking each one's running total on the way.
func countAcks(in io.Reader, size int) (int, error) {
	frames := 0
	for {
		t, answer, err := readFrame(in, maxPayloadSize)
		if err == io.EOF {
			return frames, nil
		}
		if err != nil {
			return frames, err
		}
		frames++
		if err := checkAck(t, answer, frames*size); err != nil {
			return frames, err
		}
	}
}

// checkAck makes sure an answer is the ACK we expect. A benchmark that does
// not check its answers can report a fast server that answers nonsense.
func checkAck(t msgType, answer []byte, total int) error {
	if t != typeAck || len(answer) != 8 || binary.BigEndian.Uint64(answer) != uint64(total) {
		return fmt.Errorf("got %s %q, want ACK %d", t, answer, total)
	}
	return nil
}

// dialBench connects and wraps the connection in a reader for answers.
func dialBench(addr string) (net.Conn, *bufio.Reader, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	return conn, bufio.NewReader(conn), nil
}
