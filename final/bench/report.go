package bench

import (
	"runtime"
	"slices"
	"time"

	"bytestream/final/units"
)

// Report is everything one run measured. Its JSON encoding (WriteJSON) is
// the bench's documented machine-readable output; see docs/bench.md for a
// field-by-field description. Durations are integer nanoseconds, rates are
// per second, sizes are bytes.
type Report struct {
	Settings   Settings  `json:"settings"`
	Machine    Machine   `json:"machine"`
	Baseline   Baseline  `json:"baseline"`
	Latency    Latency   `json:"latency"`
	Throughput []Row     `json:"throughput"`
	Plateaus   []Plateau `json:"plateaus"`
	Ratios     *Ratios   `json:"ratios"` // null when the baseline was skipped
	Targets    []Target  `json:"targets"`
	// OpenLoop (with -rate) and Sweep (with -sweep) replace the latency
	// and throughput sections, which are then empty.
	OpenLoop *OpenLoop `json:"open_loop,omitempty"`
	Sweep    *Sweep    `json:"sweep,omitempty"`
	// Stopped is why the run ended before its last experiment ("" when it
	// finished); the sections above hold the experiments that finished.
	Stopped string `json:"stopped,omitempty"`
}

// Settings echoes the Config the run used.
type Settings struct {
	Addr     string        `json:"addr"` // the server measured
	Embedded bool          `json:"embedded"`
	Conns    int           `json:"conns"`
	Warmup   int           `json:"warmup"`
	Pings    int           `json:"pings"`
	PingSize int           `json:"ping_size"`
	Sizes    []int         `json:"sizes"`
	Duration time.Duration `json:"duration_ns"` // per size and mode
	Timeout  time.Duration `json:"timeout_ns"`  // stall limit; 0 is none
	Rate     float64       `json:"rate"`        // open loop's offered rate; 0 when not asked
	Sweep    bool          `json:"sweep"`
}

// Machine describes where the run happened: numbers from a laptop and from
// a loaded CI runner are not comparable, and the report should say which.
type Machine struct {
	GOMAXPROCS int    `json:"gomaxprocs"`
	NumCPU     int    `json:"num_cpu"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
}

func thisMachine() Machine {
	return Machine{
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		NumCPU:     runtime.NumCPU(),
		GoVersion:  runtime.Version(),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
	}
}

// Baseline says whether the raw TCP baseline ran, and if not, why.
type Baseline struct {
	Measured bool   `json:"measured"`
	Note     string `json:"note"`
}

// Latency holds the round-trip figures, all clients merged.
type Latency struct {
	Framed LatencyStats  `json:"framed"`
	Raw    *LatencyStats `json:"raw"` // null when the baseline was skipped
}

// LatencyStats summarises one set of round trips. WireBytes is what one
// round trip puts on the wire in each direction: for PING/PONG the payload
// plus the 5-byte header, and the raw ping-pong sends exactly as many.
type LatencyStats struct {
	WireBytes int `json:"wire_bytes"`
	Summary
	Histogram []Bucket   `json:"histogram"`
	Curve     []Quantile `json:"curve"` // percentiles from 0 to 100, for plots
}

// The throughput modes, as they appear in Row.Mode.
const (
	StopAndWait = "stop-and-wait"
	Pipelined   = "pipelined"
	RawStream   = "raw"
)

// Row is one throughput measurement: one mode at one payload size, all
// clients added up.
type Row struct {
	Mode         string  `json:"mode"`
	Size         int     `json:"size"`
	Frames       int64   `json:"frames"` // for raw: writes of Size bytes
	PayloadBytes int64   `json:"payload_bytes"`
	WireBytes    int64   `json:"wire_bytes"` // client to server, headers included
	Seconds      float64 `json:"seconds"`
	PayloadMiBs  float64 `json:"payload_mib_s"`
	WireMiBs     float64 `json:"wire_mib_s"`
	FramesPerSec float64 `json:"frames_s"`
	// AckTotal is the server's last acknowledged total (for raw, the
	// sink's byte count), summed over clients; it equals PayloadBytes.
	AckTotal uint64 `json:"ack_total"`
	// CPUSeconds is the process's CPU time (user and system, client and
	// embedded server together) while this mode ran; 0 where not
	// measured (stop-and-wait, or a platform that cannot tell).
	CPUSeconds float64 `json:"cpu_s"`
	// PerConn is the spread of the connections' own payload rates, so
	// that a starved connection shows behind a healthy total.
	PerConn Spread `json:"per_conn"`
}

// Spread is the lowest, median and highest of the connections' payload
// MiB/s.
type Spread struct {
	Min    float64 `json:"min_mib_s"`
	Median float64 `json:"median_mib_s"`
	Max    float64 `json:"max_mib_s"`
}

// withSpread fills PerConn from each connection's transfers, given per
// round: connection i's rate is its bytes over its own time, all rounds
// added up.
func (r Row) withSpread(rounds [][]transfer) Row {
	if len(rounds) == 0 {
		return r
	}
	rates := make([]float64, len(rounds[0]))
	for i := range rates {
		var mine []transfer
		for _, round := range rounds {
			mine = append(mine, round[i])
		}
		rates[i] = newRow(r.Mode, r.Size, inSequence(mine)).PayloadMiBs
	}
	slices.Sort(rates)
	r.PerConn = Spread{Min: rates[0], Median: rates[len(rates)/2], Max: rates[len(rates)-1]}
	return r
}

func newRow(mode string, size int, t transfer) Row {
	secs := t.End.Sub(t.Start).Seconds()
	r := Row{
		Mode: mode, Size: size, Frames: t.Frames,
		PayloadBytes: t.PayloadBytes, WireBytes: t.WireBytes,
		Seconds: secs, AckTotal: t.AckTotal,
	}
	if t.CPU > 0 {
		r.CPUSeconds = t.CPU.Seconds()
	}
	if secs > 0 {
		r.PayloadMiBs = float64(t.PayloadBytes) / float64(units.MiB) / secs
		r.WireMiBs = float64(t.WireBytes) / float64(units.MiB) / secs
		r.FramesPerSec = float64(t.Frames) / secs
	}
	return r
}

// Plateau is where one mode's throughput stops growing with payload size:
// the smallest size reaching 90% of the mode's best payload rate.
type Plateau struct {
	Mode    string  `json:"mode"`
	Size    int     `json:"size"`
	BestMiB float64 `json:"best_mib_s"`
}

// Ratios compare the framed figures with the raw baseline: below 1 for
// throughput and above 1 for latency mean framing costs something.
type Ratios struct {
	PingP50   float64     `json:"ping_p50"` // framed p50 / raw p50
	PingP99   float64     `json:"ping_p99"`
	Pipelined []SizeRatio `json:"pipelined"` // framed payload MiB/s / raw MiB/s
	// PipelinedCPU is raw CPU time per payload byte / framed CPU time per
	// payload byte: below 1 when framing costs more CPU. On a machine
	// shared with other work it is steadier than the throughput ratio,
	// which moves with whatever else got the cores.
	PipelinedCPU []SizeRatio `json:"pipelined_cpu"`
	// PipelinedWire is what the protocol itself costs on the wire: the
	// framed run's bytes in both directions (payload, 5-byte headers, one
	// 13-byte ACK per frame) per second over the raw stream's payload per
	// second. At 1 the protocol would cost nothing; for 64 B frames even
	// a perfect implementation reaches only 64/82 of raw's payload rate
	// on the same wire bytes.
	PipelinedWire []SizeRatio `json:"pipelined_wire"`
}

// SizeRatio is a ratio at one payload size.
type SizeRatio struct {
	Size  int     `json:"size"`
	Ratio float64 `json:"ratio"`
}

// Target is one of the performance goals of the final server (issue 3),
// checked against this run. Only targets this run could measure appear.
type Target struct {
	Name  string  `json:"name"`
	Want  string  `json:"want"` // "at least" or "at most"
	Limit float64 `json:"limit"`
	Value float64 `json:"value"`
	Met   bool    `json:"met"`
}
