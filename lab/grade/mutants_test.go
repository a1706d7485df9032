package grade_test

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
	"unicode/utf8"

	"bytestream/lab/grade"

	"golang.org/x/net/nettest"
)

// mutant is a small server of docs/protocol.md with one bug switched on,
// so that each check is shown to catch something: no check passes
// vacuously. With no bug switched on it passes stage 6.
type mutant struct {
	timeouts       grade.Timeouts // the frame and idle timeouts it keeps, and tells the grader
	pingAsAck      bool           // whole: a PING answered with an ACK
	oneReadHeader  bool           // cuts: a header read with one Read
	oneReadPayload bool           // random-cuts: a payload read with one Read
	onePerRead     bool           // coalesced: one frame per Read, the rest dropped
	total16        bool           // pipelined: the ACK total kept in 16 bits
	countRejected  bool           // message-errors: rejected frames counted in the total
	readOn         bool           // limit: an oversized frame read on instead of refused
	limit1MiB      bool           // big-frames: frames over 1 MiB refused
	shortPong      bool           // ping-pong: a PONG carries only 4 bytes of its PING
	silentRefusal  bool           // error-before-close: an oversized frame closed without ERROR
	idleEveryRead  bool           // frame-timeout: the idle deadline renewed on every Read (slowloris)
	noIdleTimeout  bool           // idle-timeout: a silent client kept forever
	closeAtEOF     bool           // half-close: the reader closes at EOF while answers are still queued
	oneConnAtATime bool           // concurrent: connections served one after another
}

// shortTimeouts make a mutant's timeouts quick to test; the server without
// a bug keeps the grader's defaults, which a busy machine never trips.
var shortTimeouts = grade.Timeouts{Frame: 500 * time.Millisecond, Idle: time.Second}

const mutantLimit = 16 << 20

// start serves on a loopback listener until the test ends.
func (m mutant) start(t *testing.T) string {
	t.Helper()
	l, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			if m.oneConnAtATime {
				m.handle(c)
			} else {
				go m.handle(c)
			}
		}
	}()
	return l.Addr().String()
}

// renewing renews a conn's read deadline before every Read: the slowloris
// bug of an idle timeout mistaken for a frame timeout.
type renewing struct {
	net.Conn
	idle time.Duration
}

func (r renewing) Read(p []byte) (int, error) {
	r.SetReadDeadline(time.Now().Add(r.idle))
	return r.Conn.Read(p)
}

func (m mutant) handle(c net.Conn) {
	defer c.Close()
	if m.closeAtEOF {
		m.handleSplit(c)
		return
	}
	var src io.Reader = c
	if m.idleEveryRead {
		src = renewing{c, m.timeouts.Idle}
	}
	in := bufio.NewReader(src)
	out := bufio.NewWriter(c)
	var total uint64
	for {
		if in.Buffered() == 0 {
			out.Flush() // answers leave before the server waits
		}
		switch {
		case m.noIdleTimeout:
			c.SetReadDeadline(time.Time{}) // the frame timeout ended with the frame
		case !m.idleEveryRead:
			c.SetReadDeadline(time.Now().Add(m.timeouts.Idle))
		}
		if _, err := in.Peek(1); err != nil {
			out.Flush()
			return
		}
		if !m.idleEveryRead {
			c.SetReadDeadline(time.Now().Add(m.timeouts.Frame))
		}
		typ, payload, ok := m.readFrame(c, in, out)
		if !ok {
			out.Flush()
			return
		}
		m.answer(out, typ, payload, &total)
	}
}

// handleSplit reads frames in one goroutine and answers them, slowly, in
// another; when the reader meets the client's EOF it closes the
// connection, losing the answers still queued.
func (m mutant) handleSplit(c net.Conn) {
	type request struct {
		typ     byte
		payload []byte
	}
	queue := make(chan request, 1<<16)
	defer close(queue)
	go func() {
		out := bufio.NewWriter(c)
		var total uint64
		for r := range queue {
			time.Sleep(time.Millisecond) // an answer costs something: a log line, a lookup
			m.answer(out, r.typ, r.payload, &total)
			if len(queue) == 0 {
				out.Flush()
			}
		}
	}()
	in := bufio.NewReader(c)
	for {
		typ, payload, ok := m.readFrame(c, in, bufio.NewWriter(io.Discard))
		if !ok {
			return
		}
		queue <- request{typ, payload}
	}
}

// readFrame reads one frame, with the mutant's reading bugs; false ends
// the connection.
func (m mutant) readFrame(c net.Conn, in *bufio.Reader, out *bufio.Writer) (byte, []byte, bool) {
	var h [5]byte
	if m.oneReadHeader || m.onePerRead {
		if n, _ := in.Read(h[:]); n < len(h) {
			return 0, nil, false
		}
	} else if _, err := io.ReadFull(in, h[:]); err != nil {
		return 0, nil, false
	}
	size, typ := binary.BigEndian.Uint32(h[:4]), h[4]
	limit := uint32(mutantLimit)
	if m.limit1MiB {
		limit = 1 << 20
	}
	if size > limit {
		switch {
		case m.readOn:
			c.SetReadDeadline(time.Time{})
			io.Copy(io.Discard, in)
		case !m.silentRefusal:
			writeFrame(out, 0x06, []byte("frame too large"))
		}
		return 0, nil, false
	}
	payload := make([]byte, size)
	if m.oneReadPayload && size > 0 {
		n, _ := in.Read(payload)
		payload = payload[:n]
	} else if _, err := io.ReadFull(in, payload); err != nil {
		return 0, nil, false
	}
	if m.onePerRead {
		in.Discard(in.Buffered()) // the rest of this Read is taken for noise
	}
	return typ, payload, true
}

func (m mutant) answer(out *bufio.Writer, typ byte, payload []byte, total *uint64) {
	count := func(n int) {
		*total += uint64(n)
		if m.total16 {
			*total &= 0xffff
		}
		writeFrame(out, 0x05, binary.BigEndian.AppendUint64(nil, *total))
	}
	switch {
	case typ == 0x02 && m.pingAsAck:
		count(0)
	case typ == 0x02 && m.shortPong:
		writeFrame(out, 0x03, payload[:min(4, len(payload))])
	case typ == 0x02:
		writeFrame(out, 0x03, payload)
	case typ == 0x04, typ == 0x01 && utf8.Valid(payload):
		count(len(payload))
	case m.countRejected:
		*total += uint64(len(payload))
		writeFrame(out, 0x06, []byte("rejected"))
	default:
		writeFrame(out, 0x06, []byte("rejected"))
	}
}

func writeFrame(w *bufio.Writer, typ byte, payload []byte) {
	w.Write(binary.BigEndian.AppendUint32(nil, uint32(len(payload))))
	w.WriteByte(typ)
	w.Write(payload)
}

// gradeMutant grades m at stage 6, only the named check (all checks when
// name is empty).
//
// A mutant's check fails by waiting: for a close that never comes, or for
// the check's timeout. Short timeouts keep that to a few seconds.
func gradeMutant(t *testing.T, m mutant, name string) *grade.Report {
	// A mutant's check fails by waiting, so its timeout is short; the
	// server without a bug must pass every check, on a busy machine too.
	cfg := grade.Config{Timeout: 10 * time.Second}
	if m.timeouts == (grade.Timeouts{}) {
		m.timeouts, cfg.Timeout = shortTimeouts, 2*time.Second
	}
	if name != "" {
		cfg.Run = only(name)
	}
	cfg.Addr, cfg.Timeouts = m.start(t), m.timeouts
	return gradeRun(t, 6, cfg)
}

// The mutant with no bug passes every check a running server can be put
// through, so a mutant's failure is its bug's doing.
func TestMutantWithoutBugPasses(t *testing.T) {
	t.Parallel()
	rep := gradeMutant(t, mutant{timeouts: grade.DefaultTimeouts}, "")
	for _, r := range rep.Checks {
		want := "pass"
		if r.Name == "sigint" {
			want = "skip" // a running server cannot be interrupted by the grader
		}
		if r.Status != want {
			t.Errorf("%s = %s: %s; want %s\n%s", r.Name, r.Status, r.Message, want, r.Detail)
		}
	}
}

func TestEachCheckCatchesItsMutant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		check string
		m     mutant
	}{
		{"whole", mutant{pingAsAck: true}},
		{"cuts", mutant{oneReadHeader: true}},
		{"random-cuts", mutant{oneReadPayload: true}},
		{"coalesced", mutant{onePerRead: true}},
		{"pipelined", mutant{total16: true}},
		{"message-errors", mutant{countRejected: true}},
		{"limit", mutant{readOn: true}},
		{"big-frames", mutant{limit1MiB: true}},
		{"ping-pong", mutant{shortPong: true}},
		{"error-before-close", mutant{silentRefusal: true}},
		{"frame-timeout", mutant{idleEveryRead: true}},
		{"idle-timeout", mutant{noIdleTimeout: true}},
		{"half-close", mutant{closeAtEOF: true}},
		{"concurrent", mutant{oneConnAtATime: true}},
	}
	for _, tt := range tests {
		t.Run(tt.check, func(t *testing.T) {
			t.Parallel()
			rep := gradeMutant(t, tt.m, tt.check)
			if r := result(t, rep, tt.check); r.Status != "fail" {
				t.Errorf("%s = %s: %s; want it to catch the mutant", tt.check, r.Status, r.Message)
			}
		})
	}
}

// The sigint check's mutant is step 05, which exits at once on SIGINT,
// dropping the frame a client is half way through.
func TestSigintCatchesAnAbruptExit(t *testing.T) {
	t.Parallel()
	rep := gradeRun(t, 6, grade.Config{Command: []string{program(t, "./steps/05-bench"), "server", "-addr", "{addr}"}, Run: only("sigint")})
	r := result(t, rep, "sigint")
	if r.Status != "fail" {
		t.Errorf("sigint = %s: %s; want a failure", r.Status, r.Message)
	}
}
