// Package frame reads and writes ByteStream frames: the wire format of
// docs/protocol.md.
//
// Every message on a connection is one frame: a 4-byte big-endian payload
// length, a 1-byte message Type, then exactly that many payload bytes.
//
//	+--------+--------+--------+--------+------+----------------+
//	|         length N (uint32, BE)     | type | payload (N)... |
//	+--------+--------+--------+--------+------+----------------+
//
// Start with Reader.ReadFrame and Writer.WriteFrame. A Reader never assumes
// that one read from the network is one frame: it reads exactly the header,
// checks the declared length against its limit before any payload buffer
// exists, then reads exactly the payload. A Writer puts each frame on the
// wire with a single write and batches small frames until Flush.
package frame
