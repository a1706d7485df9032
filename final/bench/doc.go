// Package bench measures the final server the way the workbook's questions
// ask: how long one round trip takes, and how throughput grows with payload
// size, each next to plain TCP doing the same work without framing.
//
// Start with Run: it takes a Config, starts an in-process server (or uses an
// external one), runs the experiments and returns a Report. The Report
// renders itself as a terminal table (WriteTable), JSON (WriteJSON), CSV
// (WriteCSV) and an SVG plot (WriteSVG).
//
// The experiments live in latency.go (PING/PONG round trips) and
// throughput.go (stop-and-wait and pipelined DATA); the unframed baseline in
// raw.go; the statistics (exact percentiles, histogram, plateau) in stats.go,
// histogram.go and plateau.go.
package bench
