package soak

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
)

// Stats is a server process's memory and goroutines, as the process itself
// sees them after a full garbage collection.
type Stats struct {
	HeapInuse  uint64 `json:"heap_inuse"`  // bytes in in-use heap spans
	StackInuse uint64 `json:"stack_inuse"` // bytes of goroutine stacks
	Goroutines int    `json:"goroutines"`
	RSS        uint64 `json:"rss"`      // resident set (VmRSS), bytes
	PeakRSS    uint64 `json:"peak_rss"` // highest RSS (VmHWM) since start or the last reset-peak
}

// Live is the memory Go code holds: heap in use plus stacks. Unlike RSS it
// ignores freed memory the runtime has not yet returned to the system.
func (s Stats) Live() uint64 { return s.HeapInuse + s.StackInuse }

// TakeStats collects garbage, returns freed memory to the system (so RSS
// counts what is live, not what was), and reads the process's figures.
func TakeStats() (Stats, error) {
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s := Stats{HeapInuse: m.HeapInuse, StackInuse: m.StackInuse, Goroutines: runtime.NumGoroutine()}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return s, fmt.Errorf("read memory figures: %w", err)
	}
	if s.RSS, err = statusKiB(status, "VmRSS:"); err != nil {
		return s, err
	}
	s.PeakRSS, err = statusKiB(status, "VmHWM:")
	return s, err
}

// ResetPeak restarts the peak-RSS measurement from the current RSS, so a
// test can ask what one phase of an attack cost at its worst.
func ResetPeak() error {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return fmt.Errorf("reset peak RSS: %w", err)
	}
	return nil
}

// statusKiB reads a "Key:   1234 kB" line of /proc/self/status, in bytes.
func statusKiB(status []byte, key string) (uint64, error) {
	for line := range bytes.Lines(status) {
		if rest, ok := bytes.CutPrefix(line, []byte(key)); ok {
			kib, err := strconv.ParseUint(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse %s %q: %w", key, rest, err)
			}
			return kib << 10, nil
		}
	}
	return 0, fmt.Errorf("no %s line in /proc/self/status", key)
}

// The probe protocol: the test sends one command per line, the server
// process answers each with one line of JSON Stats.
const (
	cmdStats     = "stats"      // answer the current Stats
	cmdResetPeak = "reset-peak" // ResetPeak, then answer the current Stats
)

// ServeStats answers probe commands read from r on w until r ends. A server
// process runs it beside the server, on a pair of pipes from the test.
func ServeStats(r io.Reader, w io.Writer) error {
	lines := bufio.NewScanner(r)
	enc := json.NewEncoder(w)
	for lines.Scan() {
		var err error
		switch cmd := lines.Text(); cmd {
		case cmdStats:
		case cmdResetPeak:
			err = ResetPeak()
		default:
			err = fmt.Errorf("unknown probe command %q", cmd)
		}
		var s Stats
		if err == nil {
			s, err = TakeStats()
		}
		answer := struct {
			Stats
			Err string `json:"error,omitempty"`
		}{Stats: s}
		if err != nil {
			answer.Err = err.Error()
		}
		if err := enc.Encode(answer); err != nil {
			return fmt.Errorf("answer probe: %w", err)
		}
	}
	return lines.Err()
}

// Probe asks a server process for its Stats. It is safe for concurrent use.
type Probe struct {
	mu  sync.Mutex
	w   io.Writer
	dec *json.Decoder
}

// NewProbe talks to a ServeStats that reads what is written to w and
// answers on r.
func NewProbe(w io.Writer, r io.Reader) *Probe {
	return &Probe{w: w, dec: json.NewDecoder(r)}
}

// Stats returns the server's current Stats.
func (p *Probe) Stats() (Stats, error) { return p.ask(cmdStats) }

// ResetPeak restarts the server's peak-RSS measurement and returns its
// Stats, whose PeakRSS is then the baseline for the next phase.
func (p *Probe) ResetPeak() (Stats, error) { return p.ask(cmdResetPeak) }

func (p *Probe) ask(cmd string) (Stats, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := io.WriteString(p.w, cmd+"\n"); err != nil {
		return Stats{}, fmt.Errorf("probe %s: %w", cmd, err)
	}
	var answer struct {
		Stats
		Err string `json:"error"`
	}
	if err := p.dec.Decode(&answer); err != nil {
		return Stats{}, fmt.Errorf("probe %s: read answer: %w", cmd, err)
	}
	if answer.Err != "" {
		return answer.Stats, fmt.Errorf("probe %s: %s", cmd, answer.Err)
	}
	return answer.Stats, nil
}
