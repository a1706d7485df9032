package frame

import "sync"

// Buffers released by idle Readers and Writers (Release) wait here for the
// next Reader or Writer of the same size that needs one. A server with ten
// thousand idle connections then holds buffers for the few that are busy,
// not for all of them.
var (
	readBuffers  sync.Map // buffer size → *sync.Pool of *readBuffer
	writeBuffers sync.Map // buffer size → *sync.Pool of *[]byte
)

// readPool returns the pool of read buffers of size bytes. A Reader looks
// it up once, when it is made, so taking and returning a buffer costs no
// map lookup.
func readPool(size int) *sync.Pool {
	return poolFor(&readBuffers, size, func() any { return newReadBuffer(size) })
}

// writePool returns the pool of write buffers of size bytes.
func writePool(size int) *sync.Pool {
	return poolFor(&writeBuffers, size, func() any { b := make([]byte, 0, size); return &b })
}

func poolFor(pools *sync.Map, size int, newBuffer func() any) *sync.Pool {
	if p, ok := pools.Load(size); ok {
		return p.(*sync.Pool)
	}
	p, _ := pools.LoadOrStore(size, &sync.Pool{New: newBuffer})
	return p.(*sync.Pool)
}
