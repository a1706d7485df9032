package main

import (
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"bytestream/lab/shape"
)

// A server that kept every payload would need max-conns × max-payload
// bytes: a hundred clients each sending a DATA frame of 16 MiB - 1 byte,
// every one within the limit, took it to 1.6 GB. DATA is counted, not
// kept, so what the server allocates for such frames stays far below one
// payload, however many arrive at once. Sixteen clients are enough to tell
// the two apart (256 MiB against a few hundred KiB) and keep the test
// quick. It runs alone, without t.Parallel, so that the allocations it
// counts are this test's.
func TestLargeDataFramesAreCountedNotKept(t *testing.T) {
	const clients = 16
	size := maxPayloadSize - 1
	addr, _ := startServer(t, shape.Options{})
	conns := make([]*client, clients)
	for i := range conns {
		conns[i] = dial(t, addr)
	}
	header := binary.BigEndian.AppendUint32(nil, uint32(size))
	header = append(header, byte(typeData))
	payload := make([]byte, size) // allocated once, before counting starts

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	written := make(chan error, clients)
	for _, c := range conns {
		wg.Go(func() {
			// Header and payload as two writes: the test itself
			// allocates nothing per frame.
			_, err := c.conn.Write(header)
			if err == nil {
				_, err = c.conn.Write(payload)
			}
			written <- err
		})
	}
	for i, c := range conns {
		if got := c.receive(); got != ack(uint64(size)) {
			t.Errorf("client %d got %v, want ACK %d", i, got, size)
		}
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	close(written)
	for err := range written {
		if err != nil {
			t.Fatal(err)
		}
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d DATA frames of %d bytes: %d bytes allocated", clients, size, allocated)
	if allocated > uint64(size) {
		t.Errorf("the server allocated %d bytes for %d DATA frames of %d bytes; want less than one payload",
			allocated, clients, size)
	}
}

// TEXT and PING payloads must be held, so every connection takes them from
// one budget, -max-memory. A frame the budget cannot cover now is refused
// with ERROR "server busy" and a hang-up; DATA, which costs nothing, is
// served all the while; and an answered frame gives its bytes back.
func TestTextAndPingShareOneMemoryBudget(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig
	cfg.maxMemory = 1000
	addr, logs, s := startConfigured(t, cfg, shape.Options{})
	holding, release := make(chan struct{}), make(chan struct{})
	s.answer = func(t msgType, payload []byte, size int, total *uint64) (msgType, []byte) {
		if string(payload) == strings.Repeat("a", 600) {
			close(holding) // 600 bytes held until release
			<-release
		}
		return respond(t, payload, size, total)
	}
	first := dial(t, addr)
	first.send(typeText, strings.Repeat("a", 600))
	<-holding

	second := dial(t, addr)
	second.send(typePing, strings.Repeat("b", 300)) // 300 + its PONG: 600 more
	expectHangUp(t, second, "server busy: no room for a 300-byte PING payload within -max-memory 1000")
	waitForLog(t, logs, `closed: server busy: no room for a 300-byte PING payload`)

	third := dial(t, addr)
	if got := third.ask(typeData, strings.Repeat("c", 100_000)); got != ack(100_000) {
		t.Errorf("DATA far above the budget got %v, want ACK 100000", got)
	}
	if got := third.ask(typeText, "hi"); got != ack(100_002) {
		t.Errorf("a TEXT within what is left got %v, want ACK 100002", got)
	}

	close(release)
	if got := first.receive(); got != ack(600) {
		t.Errorf("the held TEXT got %v, want ACK 600", got)
	}
	for deadline := time.Now().Add(30 * time.Second); s.heldBytes() != 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d payload bytes still held after every answer left", s.heldBytes())
		}
	}
}

// heldBytes is how much of the budget is in use.
func (s *server) heldBytes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// errors.Is finds errBusy, so that a caller can tell it from a framing
// error.
func TestReceiveRefusesWhatTheBudgetCannotCover(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig
	cfg.maxMemory = 10
	s := newServer(cfg, nil, nil)
	_, held, err := s.receive(strings.NewReader(strings.Repeat("x", 11)), typeText, 11)
	if !errors.Is(err, errBusy) || held != 0 {
		t.Errorf("an 11-byte TEXT with a budget of 10: held %d, %v; want 0 and errBusy", held, err)
	}
	payload, held, err := s.receive(strings.NewReader("hello"), typePing, 5)
	if err != nil || string(payload) != "hello" || held != 10 {
		t.Errorf("a 5-byte PING: %q, held %d, %v; want hello, held 10 (payload and PONG)", payload, held, err)
	}
}
