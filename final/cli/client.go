package cli

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"bytestream/final/bench"
	"bytestream/final/client"
	"bytestream/final/frame"
	"bytestream/final/server"
	"bytestream/final/units"
)

// messages is the repeatable -message flag.
type messages []string

func (m *messages) String() string     { return fmt.Sprint(*m) }
func (m *messages) Set(s string) error { *m = append(*m, s); return nil }

// clientJob is what one `final client` run was asked to do, in order:
// messages, then pings, then data.
type clientJob struct {
	messages  messages
	pings     int
	dataSize  size
	dataCount int
	// timeout bounds the wait for each answer (and for the connection):
	// a server that reads but never answers must not hold the command.
	timeout time.Duration
}

// runClient is `final client`: it prints each answer on stdout; an ERROR
// answer is printed too, and makes the exit code 1.
func runClient(args []string) int {
	fs := newFlagSet("client", "[-addr host:port] [-timeout d] -message text... | -ping N | -data size [-count N]")
	addr := fs.String("addr", server.DefaultAddr, "server `address`")
	var job clientJob
	fs.Var(&job.messages, "message", "send `text` as a TEXT frame and print the ACK (repeatable)")
	fs.IntVar(&job.pings, "ping", 0, "send `N` PINGs one at a time, print each round trip and a summary")
	fs.Var(&job.dataSize, "data", "send DATA frames of this `size` (e.g. 1MiB), pipelined, and print the rate")
	fs.IntVar(&job.dataCount, "count", 1, "how many DATA frames -data sends")
	fs.DurationVar(&job.timeout, "timeout", 10*time.Second, "give up when connecting, or waiting for one answer, takes longer than this")
	if exit, ok := parse(fs, args); !ok {
		return exit
	}
	if err := job.check(fs); err != nil {
		return usageError(fs, "%v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), job.timeout)
	c, err := client.Dial(ctx, *addr)
	cancel()
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("could not connect within %v (-timeout): %w", job.timeout, err)
		}
		fmt.Fprintf(os.Stderr, "final client: %v\n", err)
		return 1
	}
	defer c.Close()
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	if err := job.run(c, out); err != nil {
		out.Flush()
		var serr *client.ServerError
		if errors.As(err, &serr) {
			fmt.Fprintf(out, "ERROR %s\n", serr.Printable())
			return 1
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = fmt.Errorf("no answer within %v (-timeout): %w", job.timeout, err)
		}
		fmt.Fprintf(os.Stderr, "final client: %v\n", err)
		return 1
	}
	return 0
}

func (j *clientJob) check(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	dataSet := set["data"]
	switch {
	case set["count"] && !dataSet:
		return errors.New("-count needs -data: it says how many DATA frames to send")
	case j.pings < 0:
		return errors.New("-ping must not be negative")
	case j.dataCount < 1:
		return errors.New("-count must be at least 1")
	case j.timeout <= 0:
		return errors.New("-timeout must be more than zero")
	case len(j.messages) == 0 && j.pings == 0 && !dataSet:
		return errors.New("nothing to send: give -message, -ping or -data")
	}
	if !dataSet {
		j.dataCount = 0
	}
	return nil
}

func (j *clientJob) run(c *client.Conn, out *bufio.Writer) error {
	for _, m := range j.messages {
		j.extend(c)
		total, err := c.Text(m)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "ACK %d\n", total)
	}
	if j.pings > 0 {
		if err := pings(c, j.pings, func() { j.extend(c) }, out); err != nil {
			return err
		}
	}
	if j.dataCount > 0 {
		return data(c, int(j.dataSize), j.dataCount, func() { j.extend(c) }, out)
	}
	return nil
}

// extend gives the next answer the whole timeout, counted from now.
func (j *clientJob) extend(c *client.Conn) {
	c.SetDeadline(time.Now().Add(j.timeout))
}

// pings measures n round trips, one at a time; each PING carries its
// sequence number, so a PONG that answered the wrong PING is caught. The
// summary's percentiles are the bench's (nearest rank, exact).
func pings(c *client.Conn, n int, extend func(), out io.Writer) error {
	rtts := make(bench.Samples, n)
	var seq [8]byte
	for i := range n {
		extend()
		binary.BigEndian.PutUint64(seq[:], uint64(i+1))
		rtt, err := c.Ping(seq[:])
		if err != nil {
			return fmt.Errorf("ping %d: %w", i+1, err)
		}
		rtts[i] = rtt
		fmt.Fprintf(out, "PONG %d rtt %s\n", i+1, units.FormatDuration(rtt))
	}
	sum := bench.Summarize(rtts)
	fmt.Fprintf(out, "ping: %d round trips: min %s p50 %s p99 %s max %s\n", n,
		units.FormatDuration(sum.Min), units.FormatDuration(sum.P50), units.FormatDuration(sum.P99), units.FormatDuration(sum.Max))
	return nil
}

// data sends count DATA frames of size bytes from one goroutine while this
// one reads the ACKs, the way a pipelining client should, and prints the
// last total and the rate. Each ACK extends the deadline: while the server
// answers, the sender may take as long as the whole transfer needs.
func data(c *client.Conn, size, count int, extend func(), out io.Writer) error {
	payload := make([]byte, size)
	start := time.Now()
	extend()
	sent := make(chan error, 1)
	go func() {
		for range count {
			if err := c.Send(frame.Data, payload); err != nil {
				sent <- err
				return
			}
		}
		sent <- c.Flush()
	}()
	abandon := func(err error) error {
		c.Close() // unblocks the sender
		<-sent
		return err
	}
	var total uint64
	for i := range count {
		h, p, err := c.Receive()
		if err != nil {
			// The last total is where a user resumes from: say it.
			return abandon(fmt.Errorf("%d of %d DATA frames acknowledged (ACK total %d), then %w", i, count, total, err))
		}
		if h.Type != frame.Ack {
			return abandon(fmt.Errorf("DATA %d answered with %s, want ACK", i+1, h.Type))
		}
		if total, err = frame.AckTotal(p); err != nil {
			return abandon(err)
		}
		extend()
	}
	elapsed := time.Since(start)
	if err := <-sent; err != nil {
		return err
	}
	mib := float64(size) * float64(count) / float64(units.MiB)
	fmt.Fprintf(out, "DATA %d × %s: ACK total %d in %v, %.1f MiB/s\n",
		count, units.FormatSize(int64(size)), total, elapsed.Round(time.Millisecond), mib/elapsed.Seconds())
	return nil
}
