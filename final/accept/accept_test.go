package accept_test

import (
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"bytestream/final/accept"
)

func TestOnlyAClosedListenerIsFatal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{&net.OpError{Op: "accept", Net: "tcp", Err: net.ErrClosed}, true},
		{&net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}, false},
		{&net.OpError{Op: "accept", Net: "tcp", Err: os.ErrDeadlineExceeded}, false},
	}
	for _, tt := range tests {
		if got := accept.Fatal(tt.err); got != tt.want {
			t.Errorf("Fatal(%v) = %v; want %v", tt.err, got, tt.want)
		}
	}
}

func TestPausesDoubleToOneSecondAndStartOverAfterSuccess(t *testing.T) {
	t.Parallel()
	var b accept.Backoff
	var got []time.Duration
	for range 10 {
		got = append(got, b.Next())
	}
	want := "[5ms 10ms 20ms 40ms 80ms 160ms 320ms 640ms 1s 1s]"
	if fmt.Sprint(got) != want {
		t.Errorf("pauses = %v; want %s", got, want)
	}
	b.Reset()
	if d := b.Next(); d != accept.FirstPause {
		t.Errorf("after Reset, pause = %v; want %v", d, accept.FirstPause)
	}
}

func ExampleBackoff() {
	var retry accept.Backoff
	fmt.Println(retry.Next(), retry.Next(), retry.Next())
	retry.Reset()
	fmt.Println(retry.Next())
	// Output:
	// 5ms 10ms 20ms
	// 5ms
}
