package bench

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
)

// The JSON schema documented in docs/bench.md: the keys of each object.
var jsonSchema = map[string][]string{
	"":          {"settings", "machine", "baseline", "latency", "throughput", "plateaus", "ratios", "targets"},
	"settings":  {"addr", "embedded", "conns", "warmup", "pings", "ping_size", "sizes", "duration_ns", "timeout_ns", "rate", "sweep"},
	"machine":   {"gomaxprocs", "num_cpu", "go_version", "os", "arch"},
	"baseline":  {"measured", "note"},
	"latency":   {"framed", "raw"},
	"latency.*": {"wire_bytes", "count", "min_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns", "stddev_ns", "histogram", "curve"},
	"histogram": {"low_ns", "high_ns", "count"},
	"curve":     {"percent", "value_ns"},
	"throughput": {"mode", "size", "frames", "payload_bytes", "wire_bytes", "seconds",
		"payload_mib_s", "wire_mib_s", "frames_s", "ack_total", "cpu_s", "per_conn"},
	"per_conn":  {"min_mib_s", "median_mib_s", "max_mib_s"},
	"plateaus":  {"mode", "size", "best_mib_s"},
	"ratios":    {"ping_p50", "ping_p99", "pipelined", "pipelined_cpu", "pipelined_wire"},
	"pipelined": {"size", "ratio"},
	"targets":   {"name", "want", "limit", "value", "met"},
	"open_loop": {"framed", "raw", "closed_loop"},
	"open_run":  {"offered_rate", "achieved_rate", "seconds", "due", "sent", "answered", "latency", "lag"},
	"hdr":       {"count", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "p9999_ns", "max_ns", "mean_ns"},
	"closed":    {"count", "min_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns", "stddev_ns"},
	"sweep":     {"capacity", "raw_capacity", "points", "knee", "raw_knee"},
	"point":     {"percent", "framed", "raw"},
	"knee":      {"rate", "p99_ns"},
}

func keys(t *testing.T, where string, v any) []string {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want an object", where, v)
	}
	return slices.Sorted(maps.Keys(obj))
}

func checkKeys(t *testing.T, where, schema string, v any) {
	t.Helper()
	got, want := keys(t, where, v), slices.Sorted(slices.Values(jsonSchema[schema]))
	if !slices.Equal(got, want) {
		t.Errorf("%s has keys %v, want %v", where, got, want)
	}
}

func TestJSONFollowsTheDocumentedSchema(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := mustTinyReport(t).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("the output is not one JSON object: %v", err)
	}
	checkKeys(t, "the report", "", doc)
	for _, name := range []string{"settings", "machine", "baseline", "latency", "ratios"} {
		checkKeys(t, name, name, doc[name])
	}
	lat := doc["latency"].(map[string]any)
	for _, set := range []string{"framed", "raw"} {
		l := lat[set].(map[string]any)
		checkKeys(t, "latency."+set, "latency.*", l)
		checkKeys(t, "latency."+set+".histogram[0]", "histogram", l["histogram"].([]any)[0])
		checkKeys(t, "latency."+set+".curve[0]", "curve", l["curve"].([]any)[0])
	}
	for _, list := range []string{"throughput", "plateaus", "targets"} {
		items := doc[list].([]any)
		if len(items) == 0 {
			t.Fatalf("%s is empty", list)
		}
		for i, item := range items {
			checkKeys(t, fmt.Sprintf("%s[%d]", list, i), list, item)
		}
	}
	checkKeys(t, "ratios.pipelined[0]", "pipelined", doc["ratios"].(map[string]any)["pipelined"].([]any)[0])
	checkKeys(t, "throughput[0].per_conn", "per_conn", doc["throughput"].([]any)[0].(map[string]any)["per_conn"])
	if bytes.Contains(buf.Bytes(), []byte("\x1b[")) {
		t.Error("JSON output contains a colour escape")
	}
}

func TestTableHasEverySection(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := mustTinyReport(t).WriteTable(&buf, false); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"ByteStream bench — in-process server",
		"Latency: 200 PING/PONG round trips per connection, 13 B each way",
		"framed/raw",
		"Framed round trips by time (log-scale buckets)",
		"Throughput: DATA frames, 20ms per size and mode",
		"raw TCP",
		"pipelined throughput plateaus from",
		"Targets",
		"pipelined 64 B DATA frames/s",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("table without colour contains an escape code:\n%s", out)
	}
}

func TestTableColoursOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := mustTinyReport(t).WriteTable(&buf, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\x1b[") {
		t.Error("table with colour has no escape code")
	}
}

func TestCSVHasOneRecordPerMeasurement(t *testing.T) {
	t.Parallel()
	rep := mustTinyReport(t)
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	if want := 1 + 2 + len(rep.Throughput); len(records) != want {
		t.Fatalf("%d records, want header + 2 latency + %d throughput", len(records), len(rep.Throughput))
	}
	if !slices.Equal(records[0], csvHeader) {
		t.Errorf("header %v, want %v", records[0], csvHeader)
	}
	if records[1][0] != "latency" || records[3][0] != "throughput" || records[3][1] != StopAndWait {
		t.Errorf("records out of order: %v / %v", records[1], records[3])
	}
}

// Ctrl-C before the latency finished leaves nothing measured: the CSV
// has no latency row, where a row of zeros would read as 0 µs answers.
func TestCSVOfARunStoppedBeforeItsLatencyHasNoLatencyRow(t *testing.T) {
	t.Parallel()
	rep := &Report{Stopped: "interrupted", Latency: Latency{Raw: &LatencyStats{}}}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	if len(records) != 1 {
		t.Errorf("%d records, want the header alone: %v", len(records), records)
	}
}

func TestSVGIsWellFormedWithALinePerSeries(t *testing.T) {
	t.Parallel()
	if got := polylines(t, mustTinyReport(t)); got != 5 {
		t.Errorf("SVG has %d polylines, want 5: three throughput modes and two latency curves", got)
	}
}

// polylines draws rep and counts its lines, failing if the SVG is not
// well-formed XML.
func polylines(t *testing.T, rep *Report) int {
	t.Helper()
	var buf bytes.Buffer
	if err := rep.WriteSVG(&buf); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&buf)
	lines := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return lines
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "polyline" {
			lines++
		}
	}
}

func TestProgressBarRedrawsOneLine(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	bar := ProgressBar{W: &buf}
	bar.Update(3, 9, "pipelined 64 B")
	if got := buf.String(); !strings.HasPrefix(got, "\r") || !strings.Contains(got, " 3/9 pipelined 64 B") || strings.Contains(got, "\n") {
		t.Errorf("progress line %q: want a carriage return, the step and no newline", got)
	}
	buf.Reset()
	bar.Clear()
	if buf.String() != "\r\x1b[K" {
		t.Errorf("Clear wrote %q", buf.String())
	}
}
