package bench

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"bytestream/final/client"
	"bytestream/final/server"
	"bytestream/final/server/servertest"
)

func TestAServerThatStopsAnsweringFailsTheRunAfterTheTimeout(t *testing.T) {
	t.Parallel()
	cfg := tinyConfig()
	cfg.Addr, _ = servertest.StartMute(t)
	cfg.Timeout = 100 * time.Millisecond
	rep, err := Run(context.Background(), cfg)
	if !errors.Is(err, ErrStalled) || !strings.Contains(err.Error(), "connection 1: no progress for 100ms") {
		t.Fatalf("Run against a mute server: %v, want ErrStalled naming the connection and the timeout", err)
	}
	if rep == nil || rep.Stopped != err.Error() {
		t.Fatalf("report %+v, want one whose Stopped says %q", rep, err)
	}
}

func TestCancellingEndsARunBlockedOnAMuteServer(t *testing.T) {
	t.Parallel()
	cfg := tinyConfig()
	var accepted <-chan struct{}
	cfg.Addr, accepted = servertest.StartMute(t)
	cfg.Timeout = 0 // nothing but the cancel can end this run
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() {
		_, err := Run(ctx, cfg)
		ran <- err
	}()
	for range cfg.Conns {
		<-accepted
	}
	cancel()
	select {
	case err := <-ran:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run cancelled while waiting for answers: %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run still blocked 20s after its context was cancelled")
	}
}

// A server with a smaller payload limit refuses the second size: the
// finished experiments must survive in the report.
func TestAFailedExperimentKeepsTheFinishedOnes(t *testing.T) {
	t.Parallel()
	cfg := tinyConfig()
	cfg.Addr = servertest.Start(t, &server.Server{MaxPayload: 1024})
	cfg.Sizes = []int{64, 4096}
	rep, err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "4 KiB") {
		t.Fatalf("Run with a 4 KiB payload against a 1 KiB limit: %v, want an error naming 4 KiB", err)
	}
	if rep == nil || rep.Latency.Framed.Count != cfg.Conns*cfg.Pings || len(rep.rows(Pipelined)) != 1 || rep.Stopped == "" {
		t.Fatalf("report after the failure: %+v, want the latency and the 64 B rows, and why it stopped", rep)
	}
}

// A server that reads but never acknowledges: the pipelined sender must
// stop after about its window, not fill every socket buffer on the way.
func TestThePipelinedSenderWaitsWhenItsWindowIsFull(t *testing.T) {
	t.Parallel()
	addr, _ := servertest.StartMute(t)
	c, err := client.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const size, win = 64, 64 << 10
	fin := newFinish()
	sent := make(chan transfer, 1)
	go func() {
		tr, _ := sendData(c, size, budget{frames: 1 << 40}, win, fin)
		sent <- tr
	}()
	deadline := time.Now().Add(20 * time.Second)
	for fin.waitFor.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the sender never waited for ACKs that will not come")
		}
		time.Sleep(time.Millisecond)
	}
	if inFlight, most := fin.waitFor.Load()+win/2, int64(win+clockEvery(size)*size); inFlight > most {
		t.Errorf("sender waits with %d bytes unacknowledged, want at most %d", inFlight, most)
	}
	close(fin.readerDone) // no ACK reader here: release the sender
	<-sent
}
