package main

import (
	"encoding/binary"
	"fmt"
	"log"
	"unicode/utf8"
)

// msgType is the type byte. A named type lets %s print it by name.
type msgType byte

// The six types of the protocol. Clients send TEXT, PING and DATA; the
// server answers with PONG, ACK or ERROR.
const (
	typeText  msgType = 0x01
	typePing  msgType = 0x02
	typePong  msgType = 0x03
	typeData  msgType = 0x04
	typeAck   msgType = 0x05
	typeError msgType = 0x06
)

var typeNames = map[msgType]string{
	typeText: "TEXT", typePing: "PING", typePong: "PONG",
	typeData: "DATA", typeAck: "ACK", typeError: "ERROR",
}

// String names a known type and prints any other code in hex, the way the
// server's ERROR text quotes it: "unknown message type 0x42".
func (t msgType) String() string {
	if name, ok := typeNames[t]; ok {
		return name
	}
	return fmt.Sprintf("0x%02x", byte(t))
}

// respond is the whole protocol: one switch on the type byte, one answer per
// request. A message error (a type we do not serve, text that is not UTF-8)
// is answered with ERROR and the connection stays open, because the length
// prefix still told us exactly where this frame ended and the next begins.
// A rejected frame does not count toward the total.
func respond(t msgType, payload []byte, total *uint64) (msgType, []byte) {
	switch t {
	case typeText:
		if !utf8.Valid(payload) {
			return typeError, []byte("TEXT payload is not valid UTF-8")
		}
		*total += uint64(len(payload))
		return typeAck, binary.BigEndian.AppendUint64(nil, *total)
	case typeData:
		*total += uint64(len(payload))
		return typeAck, binary.BigEndian.AppendUint64(nil, *total)
	case typePing:
		return typePong, payload
	case typePong, typeAck, typeError:
		return typeError, fmt.Appendf(nil, "%s is sent by the server, not by clients", t)
	default:
		return typeError, fmt.Appendf(nil, "unknown message type %s", t)
	}
}

// printRequest shows what the server understood, one line per frame, like
// the `received "hello"` lines of the earlier steps. Text is quoted; other
// payloads are opaque bytes, so only their size is shown.
func printRequest(out *log.Logger, t msgType, payload []byte) {
	if t == typeText {
		out.Printf("received %s %q", t, payload)
		return
	}
	out.Printf("received %s (%d bytes)", t, len(payload))
}
