//go:build soak

package soak

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"bytestream/final/bench"
	"bytestream/final/frame"
	"bytestream/final/server"
	"bytestream/final/units"
)

// TestHostileBigPings has 100 connections send a PING of the largest
// payload (16 MiB) at once: a PING's payload must be held to be echoed, so
// without a bound they would hold 1.6 GB (issue 12 measured 2.2 GB). The
// server's payload budget (128 MiB by default) lets a few through at a
// time and answers the rest with a busy ERROR. The server's peak resident
// memory must stay under the budget, every big PING gets its PONG or that
// ERROR, and a well-behaved client pinging meanwhile gets every answer.
func TestHostileBigPings(t *testing.T) {
	n := scaled(100, 20)
	srv := startChild(t)
	conns := dialFleet(t, srv.addr, n)
	good := dialClient(t, srv.addr)
	base := srv.resetPeak()

	stop := make(chan struct{})
	var goodPings bench.Samples
	var goodErr error
	var pinging sync.WaitGroup
	pinging.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			s, err := pingUntil(good, time.Now().Add(100*time.Millisecond))
			goodPings = append(goodPings, s...)
			if err != nil {
				goodErr = err
				return
			}
		}
	})

	ping := frame.AppendFrame(nil, frame.Ping, make([]byte, frame.DefaultMaxPayload))
	answers := make([]string, n)
	started := time.Now()
	failed, err := forEach(n, n, func(i int) error {
		answers[i] = ""
		var wrote error
		var writing sync.WaitGroup
		writing.Go(func() { _, wrote = conns[i].Write(ping) })
		a, err := bigAnswer(conns[i])
		writing.Wait()
		answers[i] = a
		return errors.Join(err, wrote)
	})
	took := time.Since(started)
	close(stop)
	pinging.Wait()
	after := srv.stats()

	var pongs, busy int
	for i, a := range answers {
		switch {
		case a == "PONG":
			pongs++
		case strings.HasPrefix(a, "ERROR server busy: "):
			busy++
		case a != "":
			t.Errorf("connection %d: answered %s, want a PONG or a busy ERROR", i, a)
		}
	}
	threat := fmt.Sprintf("hostile: %s connections each PING 16 MiB at once", count(n))
	figures.Add(Row{threat, "answered PONG / busy ERROR", fmt.Sprintf("%s / %s in %s", count(pongs), count(busy), units.FormatDuration(took)),
		count(n) + " answered", failed == 0 && pongs+busy == n})
	figures.Add(Row{threat, "good client's PINGs meanwhile", fmt.Sprintf("%s answered, p99 %s", count(len(goodPings)),
		units.FormatDuration(bench.Summarize(goodPings).P99)), "all answered", goodErr == nil && len(goodPings) > 0})
	if failed > 0 {
		t.Errorf("%d of %d big PINGs not answered: %v", failed, n, err)
	}
	if goodErr != nil || len(goodPings) == 0 {
		t.Errorf("well-behaved client during the big PINGs: %d answers, %v", len(goodPings), goodErr)
	}
	if !memoryMeasured(t) {
		return
	}
	// The budget bounds what payloads hold, so it is measured against the
	// growth over the server's resident memory with the connections open.
	budget := float64(server.DefaultPayloadBudget)
	peak := growth(base.RSS, after.PeakRSS)
	figures.Add(Row{threat, "server peak RSS growth (peak RSS)", fmt.Sprintf("%s (%s)", mib(peak), mib(float64(after.PeakRSS))),
		"< " + mib(budget) + " budget", peak < budget})
	if peak >= budget {
		t.Errorf("server peak RSS grew by %s, want under the %s payload budget (before %+v, after %+v)", mib(peak), mib(budget), base, after)
	}
}

// bigAnswer reads one answer to a big PING without keeping its payload:
// "PONG", or "ERROR " and the error's text.
func bigAnswer(c net.Conn) (string, error) {
	c.SetReadDeadline(time.Now().Add(mustFinish))
	r := frame.NewReader(c)
	h, err := r.ReadHeader()
	if err != nil {
		return "", fmt.Errorf("read answer: %w", err)
	}
	if h.Type == frame.Error {
		text, err := r.ReadPayload()
		if err != nil {
			return "", fmt.Errorf("read answer: %w", err)
		}
		return "ERROR " + string(text), nil
	}
	if _, err := r.DiscardPayload(); err != nil {
		return "", fmt.Errorf("read answer: %w", err)
	}
	return h.Type.String(), nil
}
