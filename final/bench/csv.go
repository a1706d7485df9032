package bench

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// csvHeader names the columns of WriteCSV. Throughput rows fill the rate
// columns, latency rows the time columns; one flat table is what a
// spreadsheet imports most easily.
var csvHeader = []string{
	"experiment", "mode", "size_bytes", "frames", "seconds",
	"payload_mib_s", "wire_mib_s", "frames_s", "vs_raw",
	"min_us", "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "mean_us", "stddev_us", "offered_s",
}

// WriteCSV writes one header line, one row per latency set (framed, raw)
// and one row per throughput measurement; with -rate or -sweep, one row
// per open-loop run instead (and the closed loop's).
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	if r.Settings.Rate > 0 || r.Settings.Sweep {
		r.writeOpenCSV(cw)
		cw.Flush()
		return cw.Error()
	}
	// A run stopped before its latency finished has no latency rows: a
	// row of zeros would read as a server that answers in 0 µs.
	if r.Latency.Framed.Count > 0 {
		cw.Write(latencyRecord("framed", r.Latency.Framed))
	}
	if r.Latency.Raw != nil && r.Latency.Raw.Count > 0 {
		cw.Write(latencyRecord("raw", *r.Latency.Raw))
	}
	for _, row := range r.Throughput {
		vs := ""
		if v, ok := r.Ratios.PipelinedVsRaw(row.Size); ok && row.Mode == Pipelined {
			vs = float(v)
		}
		cw.Write([]string{
			"throughput", row.Mode, strconv.Itoa(row.Size), strconv.FormatInt(row.Frames, 10), float(row.Seconds),
			float(row.PayloadMiBs), float(row.WireMiBs), float(row.FramesPerSec), vs,
			"", "", "", "", "", "", "", "", "",
		})
	}
	cw.Flush()
	return cw.Error()
}

func latencyRecord(mode string, l LatencyStats) []string {
	rec := []string{"latency", mode, strconv.Itoa(l.WireBytes), strconv.Itoa(l.Count), "", "", "", "", ""}
	for _, d := range []time.Duration{l.Min, l.P50, l.P90, l.P99, l.P999, l.Max, l.Mean, l.StdDev} {
		rec = append(rec, micros(d))
	}
	return append(rec, "")
}

func micros(d time.Duration) string { return float(float64(d) / float64(time.Microsecond)) }

func (r *Report) writeOpenCSV(cw *csv.Writer) {
	wire := strconv.Itoa(5 + r.Settings.PingSize)
	run := func(experiment, mode string, o OpenRun) {
		l := o.Latency
		cw.Write([]string{experiment, mode, wire, strconv.FormatInt(o.Answered, 10), float(o.Seconds), "", "", float(o.Achieved), "",
			"", micros(l.P50), micros(l.P90), micros(l.P99), micros(l.P999), micros(l.Max), micros(l.Mean), "", float(o.Offered)})
	}
	if o := r.OpenLoop; o != nil {
		run("open_loop", "framed", o.Framed)
		if o.Raw != nil {
			run("open_loop", "raw", *o.Raw)
		}
		rec := latencyRecord("framed", LatencyStats{WireBytes: 5 + r.Settings.PingSize, Summary: o.Closed})
		rec[0] = "closed_loop"
		cw.Write(rec)
	}
	if sw := r.Sweep; sw != nil {
		for _, pt := range sw.Points {
			run("sweep", "framed", pt.Framed)
			if pt.Raw != nil {
				run("sweep", "raw", *pt.Raw)
			}
		}
	}
}

func float(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
