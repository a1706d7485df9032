package bench

import (
	"bytestream/final/frame"
	"bytestream/final/units"
)

// analyse derives what the report says about the measurements: where each
// mode plateaus, the framed/raw ratios, and whether the targets were met.
func (r *Report) analyse() {
	r.Plateaus = nil
	for _, mode := range []string{StopAndWait, Pipelined, RawStream} {
		var points []Point
		var best float64
		for _, row := range r.rows(mode) {
			points = append(points, Point{Size: row.Size, Rate: row.PayloadMiBs})
			best = max(best, row.PayloadMiBs)
		}
		if size, ok := PlateauSize(points); ok {
			r.Plateaus = append(r.Plateaus, Plateau{Mode: mode, Size: size, BestMiB: best})
		}
	}
	r.Ratios = r.ratios()
	r.Targets = r.targets()
}

func (r *Report) rows(mode string) []Row {
	var rows []Row
	for _, row := range r.Throughput {
		if row.Mode == mode {
			rows = append(rows, row)
		}
	}
	return rows
}

func (r *Report) row(mode string, size int) (Row, bool) {
	for _, row := range r.Throughput {
		if row.Mode == mode && row.Size == size {
			return row, true
		}
	}
	return Row{}, false
}

func (r *Report) ratios() *Ratios {
	if r.Latency.Raw == nil {
		return nil
	}
	q := &Ratios{
		PingP50: ratio(float64(r.Latency.Framed.P50), float64(r.Latency.Raw.P50)),
		PingP99: ratio(float64(r.Latency.Framed.P99), float64(r.Latency.Raw.P99)),
	}
	for _, framed := range r.rows(Pipelined) {
		if raw, ok := r.row(RawStream, framed.Size); ok {
			q.Pipelined = append(q.Pipelined, SizeRatio{Size: framed.Size, Ratio: ratio(framed.PayloadMiBs, raw.PayloadMiBs)})
			if framed.Seconds > 0 {
				wire := float64(framed.WireBytes+framed.Frames*ackWireBytes) / float64(units.MiB) / framed.Seconds
				q.PipelinedWire = append(q.PipelinedWire, SizeRatio{Size: framed.Size, Ratio: ratio(wire, raw.PayloadMiBs)})
			}
			if framed.CPUSeconds > 0 && raw.CPUSeconds > 0 {
				perByte := func(r Row) float64 { return r.CPUSeconds / float64(r.PayloadBytes) }
				q.PipelinedCPU = append(q.PipelinedCPU, SizeRatio{Size: framed.Size, Ratio: perByte(raw) / perByte(framed)})
			}
		}
	}
	return q
}

// ackWireBytes is one ACK on the wire: header and 8-byte total.
const ackWireBytes = frame.HeaderLen + frame.AckLen

// at returns the ratio at size in rs, if there is one.
func at(rs []SizeRatio, size int) (float64, bool) {
	for _, s := range rs {
		if s.Size == size {
			return s.Ratio, true
		}
	}
	return 0, false
}

// PipelinedVsRaw returns framed/raw payload throughput at size, if both
// were measured.
func (q *Ratios) PipelinedVsRaw(size int) (float64, bool) {
	if q == nil {
		return 0, false
	}
	return at(q.Pipelined, size)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// The targets of issue 3, for a two-core machine with client and server on
// it.
const (
	targetLargeSize    = 1 << 20
	targetLargeRatio   = 0.95
	targetSmallSize    = 64
	targetSmallFrames  = 5e6
	targetPingP50Ratio = 1.10
	targetPingP99Ratio = 1.3
)

func (r *Report) targets() []Target {
	var ts []Target
	if v, ok := r.Ratios.PipelinedVsRaw(targetLargeSize); ok {
		ts = append(ts, atLeast("pipelined "+units.FormatSize(targetLargeSize)+" DATA / raw stream", targetLargeRatio, v))
	}
	if row, ok := r.row(Pipelined, targetSmallSize); ok {
		ts = append(ts, atLeast("pipelined "+units.FormatSize(targetSmallSize)+" DATA frames/s", targetSmallFrames, row.FramesPerSec))
	}
	if r.Ratios != nil {
		ts = append(ts,
			atMost("ping p50 / raw ping-pong p50", targetPingP50Ratio, r.Ratios.PingP50),
			atMost("ping p99 / raw ping-pong p99", targetPingP99Ratio, r.Ratios.PingP99))
	}
	return ts
}

func atLeast(name string, limit, v float64) Target {
	return Target{Name: name, Want: "at least", Limit: limit, Value: v, Met: v >= limit}
}

func atMost(name string, limit, v float64) Target {
	return Target{Name: name, Want: "at most", Limit: limit, Value: v, Met: v <= limit}
}
