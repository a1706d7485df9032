package frame

import "strconv"

// HeaderLen is the size of a frame header: 4 bytes of length, 1 of type.
const HeaderLen = 5

// DefaultMaxPayload is the largest payload a Reader accepts when its
// MaxPayload is zero: 16 MiB, the protocol's default limit.
const DefaultMaxPayload = 16 << 20

// AckLen is the exact payload size of an ACK frame: a uint64 total.
const AckLen = 8

// Type is the message type carried in a frame's fifth byte.
type Type uint8

// The message types of protocol version 1.
const (
	Text  Type = 0x01 // client → server: UTF-8 text, answered with Ack
	Ping  Type = 0x02 // client → server: opaque bytes, answered with Pong
	Pong  Type = 0x03 // server → client: the Ping's payload, unchanged
	Data  Type = 0x04 // client → server: opaque bytes, answered with Ack
	Ack   Type = 0x05 // server → client: running total of accepted bytes
	Error Type = 0x06 // server → client: why a frame was rejected
)

var typeNames = [...]string{
	Text:  "TEXT",
	Ping:  "PING",
	Pong:  "PONG",
	Data:  "DATA",
	Ack:   "ACK",
	Error: "ERROR",
}

// String returns the protocol's name for t ("TEXT"), or its code in hex
// ("0x42") when t is not a known type, so a log line can always name it.
func (t Type) String() string {
	if t.Known() {
		return typeNames[t]
	}
	return "0x" + strconv.FormatUint(uint64(t)>>4, 16) + strconv.FormatUint(uint64(t)&0xf, 16)
}

// Known reports whether t is one of the types defined by the protocol.
func (t Type) Known() bool {
	return int(t) < len(typeNames) && typeNames[t] != ""
}

// Header is a decoded frame header.
type Header struct {
	Type   Type
	Length uint32 // payload length in bytes, header excluded
}
