package server

import (
	"strconv"

	"bytestream/final/units"
)

// DefaultPayloadBudget is the payload memory a Server holds at most when
// PayloadBudget is zero: two 16 MiB frames at once (each is charged
// three times its length, see payloadCharge), a size that fits a small
// machine (a 512 MiB virtual machine keeps room for everything else).
const DefaultPayloadBudget = 128 << 20

// unbudgetedPayload is the largest payload read without charging the
// budget: frame.Reader reads payloads up to 64 KiB into the buffer it keeps
// for the connection, which the connection's own cost already counts.
// Larger ones get a buffer of their own, which grows by doubling as the
// bytes arrive (so a peer that declares 16 MiB and sends nothing costs
// little): the last doubling holds one and a half times the payload for a
// moment, and the smaller buffers it grew through (as much again) are
// garbage until the next collection. So a large payload is charged
// payloadCharge times its length: with twice, 100 PINGs of 16 MiB peaked
// at 122 MiB of a 128 MiB budget, too close to promise.
const (
	unbudgetedPayload = 64 << 10
	payloadCharge     = 3
)

// takePayload reserves n bytes of the server-wide payload budget for a TEXT
// or PING payload about to be read, and reports whether they were free.
// DATA is never charged: its bytes are counted, not kept. A frame that
// does not fit is refused (see busyPayload), never waited for: a waiting
// connection would hold its client's stream still, and a slow frame that
// holds the budget could then stall every other connection for up to the
// frame timeout.
func (s *Server) takePayload(n int) bool {
	if n <= unbudgetedPayload {
		return true
	}
	if s.payloadInUse.Add(payloadCharge*int64(n)) > s.payloadBudget() {
		s.payloadInUse.Add(-payloadCharge * int64(n))
		return false
	}
	return true
}

// givePayload returns what takePayload reserved, once the answer is sent.
func (s *Server) givePayload(n int) {
	if n > unbudgetedPayload {
		s.payloadInUse.Add(-payloadCharge * int64(n))
	}
}

// PayloadBudgetFor returns the smallest PayloadBudget that can hold a
// frame of maxPayload bytes: a smaller budget would refuse such a frame as
// busy even on an idle server.
func PayloadBudgetFor(maxPayload int) int64 {
	if maxPayload <= unbudgetedPayload {
		return 0
	}
	return payloadCharge * int64(maxPayload)
}

func (s *Server) payloadBudget() int64 {
	if s.PayloadBudget > 0 {
		return int64(s.PayloadBudget)
	}
	return DefaultPayloadBudget
}

// busyPayload is the ERROR text of a frame refused for the budget.
func (s *Server) busyPayload(n int) string {
	return "server busy: a " + strconv.Itoa(n) + "-byte payload does not fit the payload memory budget (" +
		units.FormatSize(s.payloadBudget()) + ") now; retry later"
}
