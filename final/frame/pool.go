package frame

import "sync"

// Buffers released by idle Readers and Writers (Release) wait here for the
// next Reader or Writer of the same size that needs one. A server with ten
// thousand idle connections then holds buffers for the few that are busy,
// not for all of them. Readers and Writers of one size share a pool: a
// buffer is a buffer.
var buffers sync.Map // buffer size → *sync.Pool of *[]byte

// bufferPool returns the pool of buffers of size bytes (their capacity). A
// Reader or Writer looks it up once, when it is made, so taking and
// returning a buffer costs no map lookup.
func bufferPool(size int) *sync.Pool {
	if p, ok := buffers.Load(size); ok {
		return p.(*sync.Pool)
	}
	p, _ := buffers.LoadOrStore(size, &sync.Pool{New: func() any { b := make([]byte, 0, size); return &b }})
	return p.(*sync.Pool)
}
