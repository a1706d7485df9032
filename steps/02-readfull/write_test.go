package main

import (
	"bytes"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/nettest"
)

// bigWrite is far more than the socket buffers below can hold, so the
// kernel can only take it a piece at a time, as the reader makes room.
const bigWrite = 4 << 20

// smallBuffer is the size asked for both socket buffers. The kernel may
// double it and round it up, but it stays far below bigWrite.
const smallBuffer = 32 << 10

// loopbackPair returns the two ends of a real loopback TCP connection, with
// small socket buffers so that a big write cannot fit in them at once.
func loopbackPair(t *testing.T) (client, server *net.TCPConn) {
	t.Helper()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	client, server = c.(*net.TCPConn), s.(*net.TCPConn)
	t.Cleanup(func() { client.Close(); server.Close() })
	for _, err := range []error{client.SetWriteBuffer(smallBuffer), server.SetReadBuffer(smallBuffer)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return client, server
}

// TestWriteReturnsOnlyWhenEveryByteIsWritten proves what step 02 leans on
// when it sends a record with one Write: in Go, Write on a TCP connection
// returns n == len(p), or an error. A C program's send() may return after
// writing only part of the buffer; Go's Write keeps going until it is done.
func TestWriteReturnsOnlyWhenEveryByteIsWritten(t *testing.T) {
	t.Parallel()
	client, server := loopbackPair(t)
	data := bytes.Repeat([]byte("0123456789abcdef"), bigWrite/16)

	// The reader is slow on purpose: it takes 16 KiB at a time and pauses
	// in between, so the writer spends most of its time waiting for room.
	var consumed atomic.Int64
	received := make(chan []byte, 1)
	go func() {
		var got bytes.Buffer
		chunk := make([]byte, 16<<10)
		for {
			n, err := server.Read(chunk)
			got.Write(chunk[:n])
			consumed.Add(int64(n))
			if err != nil {
				received <- got.Bytes()
				return
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()

	n, err := client.Write(data)
	if err != nil || n != len(data) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(data))
	}
	// Write returned, so every byte has left our program; the bytes that
	// the reader has not taken yet can only be sitting in the two socket
	// buffers. That is a small part of the whole, which shows that Write
	// waited for the reader rather than returning early.
	if inFlight := int64(len(data)) - consumed.Load(); inFlight > 1<<20 {
		t.Errorf("Write returned with %d bytes not yet read; the socket buffers cannot hold that many", inFlight)
	} else {
		t.Logf("Write of %d bytes returned with %d of them still in the socket buffers", len(data), inFlight)
	}
	client.CloseWrite()
	if got := <-received; !bytes.Equal(got, data) {
		t.Errorf("reader got %d bytes, not the %d that were written", len(got), len(data))
	}
}

// TestWriteWithADeadlineReportsHowMuchWasWritten shows the one way Write
// returns early: with an error, and n saying how many bytes did go out.
// Nothing reads the other end, so the buffers fill and the deadline passes.
func TestWriteWithADeadlineReportsHowMuchWasWritten(t *testing.T) {
	t.Parallel()
	client, _ := loopbackPair(t)
	data := make([]byte, bigWrite)
	client.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
	n, err := client.Write(data)
	if err == nil || n >= len(data) {
		t.Fatalf("Write = %d, %v; want fewer than %d bytes and a timeout", n, err, len(data))
	}
	if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Errorf("err = %v, want a timeout", err)
	}
	if n == 0 {
		t.Errorf("n = 0, want the bytes that fitted in the buffers")
	}
}

// TestAWriteReturnsBeforeThePeerReadsAByte shows what a returned Write does
// not mean: delivery. Nothing has called Read on the other end, yet Write
// returns every byte written, because the bytes only had to reach the
// kernel's buffers. They wait there until the peer reads them, and would
// be lost if the connection failed first.
func TestAWriteReturnsBeforeThePeerReadsAByte(t *testing.T) {
	t.Parallel()
	client, server := loopbackPair(t)
	// Were Write to wait for the reader, the deadline would fail it.
	client.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if n, err := client.Write([]byte("hello")); n != 5 || err != nil {
		t.Fatalf("Write = %d, %v; want 5, nil although the peer has read nothing", n, err)
	}
	// Only now does the peer read: the five bytes were waiting in the kernel.
	server.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, 5)
	if _, err := io.ReadFull(server, got); err != nil || string(got) != "hello" {
		t.Errorf("the peer read %q, %v; want the hello written before it read", got, err)
	}
}
