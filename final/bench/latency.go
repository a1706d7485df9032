package bench

import (
	"encoding/binary"
	"fmt"

	"bytestream/final/client"
)

// pingPong sends warmup unmeasured PINGs, then count measured ones, each
// waiting for its PONG. The warm-up lets the connection, the scheduler and
// the CPU caches settle, so the first slow round trips do not pose as tail
// latency. Payloads of 8 bytes or more carry a sequence number, so a PONG
// answering the wrong PING fails the client's check. The sample is the
// round trip Ping timed itself, from before the send to the answer's
// arrival: timing the call again here would read the clock twice more per
// ping and add Ping's own checks to the figure.
func pingPong(c *client.Conn, size, warmup, count int, p *progress) (Samples, error) {
	payload := make([]byte, size)
	samples := make(Samples, 0, count)
	for i := range warmup + count {
		if size >= 8 {
			binary.BigEndian.PutUint64(payload, uint64(i))
		}
		rtt, err := c.Ping(payload)
		if err != nil {
			return samples, fmt.Errorf("ping %d: %w", i+1, err)
		}
		p.tick()
		if i >= warmup {
			samples = append(samples, rtt)
		}
	}
	return samples, nil
}
