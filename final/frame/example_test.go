package frame_test

import (
	"bytes"
	"fmt"
	"io"

	"bytestream/final/frame"
)

// The first request of the protocol's worked example: TEXT "hello".
func ExampleAppendFrame() {
	wire := frame.AppendFrame(nil, frame.Text, []byte("hello"))
	fmt.Printf("% x\n", wire)
	// Output: 00 00 00 05 01 68 65 6c 6c 6f
}

// A Writer batches frames until Flush, then sends them in one write.
func ExampleWriter() {
	var conn bytes.Buffer
	w := frame.NewWriter(&conn)
	w.WriteAck(5)
	w.WriteAck(10)
	fmt.Println("before Flush:", conn.Len(), "bytes on the wire")
	w.Flush()
	fmt.Printf("after Flush: % x\n", conn.Bytes()[:13])
	// Output:
	// before Flush: 0 bytes on the wire
	// after Flush: 00 00 00 08 05 00 00 00 00 00 00 00 05
}

// ReadFrame returns frames one at a time however the bytes arrived; io.EOF
// comes only at a frame boundary.
func ExampleReader_ReadFrame() {
	var wire []byte
	wire = frame.AppendFrame(wire, frame.Text, []byte("hello"))
	wire = frame.AppendFrame(wire, frame.Ping, []byte{0, 42})
	r := frame.NewReader(bytes.NewReader(wire))
	for {
		h, payload, err := r.ReadFrame()
		if err == io.EOF {
			fmt.Println("clean end of stream")
			return
		}
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("%s %dB %q\n", h.Type, h.Length, payload)
	}
	// Output:
	// TEXT 5B "hello"
	// PING 2B "\x00*"
	// clean end of stream
}

// A header that declares more than MaxPayload is rejected before any
// payload buffer exists.
func ExampleReader_ReadHeader_tooLarge() {
	r := frame.NewReader(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff, 0x04}))
	_, err := r.ReadHeader()
	fmt.Println(err)
	// Output: frame too large: 4294967295 bytes > limit 16777216
}

// A stream that ends inside a frame is a truncated frame, never a clean end.
func ExampleTruncatedError() {
	r := frame.NewReader(bytes.NewReader([]byte{0, 0, 0, 5, 0x01, 'h', 'e'}))
	_, _, err := r.ReadFrame()
	fmt.Println(err)
	// Output: truncated TEXT frame: 2 of 5 payload bytes
}

func ExampleType_String() {
	fmt.Println(frame.Text, frame.Ack, frame.Type(0x42))
	// Output: TEXT ACK 0x42
}
