package demo

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"bytestream/lab/proxy"
	"bytestream/lab/shape"
)

// Messages are what the demo sends to both receivers.
var Messages = []string{"hello", "how are you?", "fine, thanks", "bye"}

// A phase is one rule both receivers are put behind.
type phase struct {
	rule    string
	explain string
	// lockstep sends each message, and each piece, only once the receiver
	// has read everything before it: every Read then returns exactly one
	// piece, on an idle machine or a loaded one. Without it (coalescing) the
	// client writes everything at once and half-closes, which ends the
	// proxy's window at once.
	lockstep bool
}

var phases = []phase{
	{"split=3", "every write cut into 3-byte pieces", true},
	{"coalesce=1s", "writes within 1s of the first held and sent as one", false},
}

// receiver is one of the two ways to read messages.
type receiver struct {
	name    string
	receive func(io.Reader) ([]string, error)
	encode  func(dst []byte, msg string) []byte
}

var receivers = []receiver{
	{"naive: one Read = one message", Naive, func(dst []byte, msg string) []byte { return append(dst, msg...) }},
	{"length-prefixed (step 03)", Framed, AppendFramed},
}

// Run sends Messages to both receivers under each rule and prints, side by
// side, what each received. The output is the same on every run.
func Run(w io.Writer) error {
	fmt.Fprintf(w, "Sent %d messages: %s\n", len(Messages), quoteAll(Messages, " "))
	for _, ph := range phases {
		rule, err := shape.ParseRule(ph.rule)
		if err != nil {
			return err
		}
		var got [2][]string
		for i, r := range receivers {
			if got[i], err = receive(rule, r, ph.lockstep); err != nil {
				return fmt.Errorf("%s, %s: %w", ph.rule, r.name, err)
			}
		}
		fmt.Fprintf(w, "\nlab proxy -up %s  (%s)\n", ph.rule, ph.explain)
		printColumns(w, got)
	}
	return nil
}

// receive runs one receiver behind a proxy with rule, sends it Messages and
// returns what it received.
func receive(rule shape.Rule, r receiver, lockstep bool) ([]string, error) {
	upstream, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer upstream.Close()
	read := newProgress()
	cfg := proxy.Config{Upstream: upstream.Addr().String(), Up: rule, Seed: 1}
	if lockstep {
		cfg.AfterPiece = func(_ proxy.Direction, written int64) { read.wait(written) }
	}
	p, front, err := startProxy(cfg)
	if err != nil {
		return nil, err
	}
	defer p.Close()

	type result struct {
		msgs []string
		err  error
	}
	results := make(chan result, 1)
	go func() {
		c, err := upstream.Accept()
		if err != nil {
			results <- result{err: err}
			return
		}
		defer c.Close()
		msgs, err := r.receive(counting{c, read})
		results <- result{msgs, err}
	}()
	if err := send(front, r, read, lockstep); err != nil {
		return nil, err
	}
	res := <-results
	return res.msgs, res.err
}

func startProxy(cfg proxy.Config) (*proxy.Proxy, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	p := proxy.New(cfg)
	go p.Serve(ln)
	return p, ln.Addr().String(), nil
}

// send writes each message with one Write, then half-closes.
func send(addr string, r receiver, read *progress, lockstep bool) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	var sent int64
	for _, msg := range Messages {
		b := r.encode(nil, msg)
		if _, err := c.Write(b); err != nil {
			return err
		}
		sent += int64(len(b))
		if lockstep {
			if err := read.wait(sent); err != nil {
				return err
			}
		}
	}
	return c.(*net.TCPConn).CloseWrite()
}

// printColumns prints the two receivers' messages side by side: a header,
// one quoted message per row, and a verdict under each column.
func printColumns(w io.Writer, got [2][]string) {
	var cols [2][]string
	for i := range got {
		for _, m := range got[i] {
			cols[i] = append(cols[i], strconv.Quote(m))
		}
	}
	rows := [][2]string{{receivers[0].name, receivers[1].name}}
	for i := range max(len(cols[0]), len(cols[1])) {
		rows = append(rows, [2]string{at(cols[0], i), at(cols[1], i)})
	}
	rows = append(rows, [2]string{verdict(got[0]), verdict(got[1])})
	width := 0
	for _, r := range rows {
		width = max(width, utf8.RuneCountInString(r[0]))
	}
	for _, r := range rows {
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(r[0])+4)
		fmt.Fprintln(w, strings.TrimRight("  "+r[0]+pad+r[1], " "))
	}
}

func at(col []string, i int) string {
	if i < len(col) {
		return col[i]
	}
	return ""
}

func verdict(msgs []string) string {
	noun := "messages"
	if len(msgs) == 1 {
		noun = "message"
	}
	if slices.Equal(msgs, Messages) {
		return fmt.Sprintf("→ %d %s, exact", len(msgs), noun)
	}
	return fmt.Sprintf("→ %d %s, garbled", len(msgs), noun)
}

func quoteAll(msgs []string, sep string) string {
	q := make([]string, len(msgs))
	for i, m := range msgs {
		q[i] = strconv.Quote(m)
	}
	return strings.Join(q, sep)
}
