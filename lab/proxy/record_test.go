package proxy

import (
	"errors"
	"strings"
	"syscall"
	"testing"
)

func TestReadScheduleRefusesWhatTheProxyNeverWrites(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, wantErr string }{
		{`{"conn":0,"dir":"sideways","offset":0,"size":1,"us":0}`, `line 1: dir "sideways" is neither up nor down`},
		{`{"conn":0,"dir":"up","offset":0,"size":0,"us":0}`, "line 1: size 0 is not between 1 and 65536"},
		{`{"conn":0,"dir":"up","offset":0,"size":1099511627776,"us":0}`, "line 1: size 1099511627776 is not between 1 and 65536"},
		{`{"conn":0,"dir":"up","offset":3,"size":1,"us":0}`, "line 1: conn 0 up: offset 3, want 0"},
		{"not json", "line 1: invalid character"},
	}
	for _, tt := range tests {
		_, err := ReadSchedule(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ReadSchedule(%s) error = %v; want one containing %q", tt.in, err, tt.wantErr)
		}
	}
	s, err := ReadSchedule(strings.NewReader(`{"conn":1,"dir":"down","offset":0,"size":4,"us":5}` + "\n\n" +
		`{"conn":1,"dir":"down","offset":4,"size":2,"us":9}`))
	if err != nil || len(s.pieces(1, Down)) != 2 || len(s.pieces(0, Down)) != 0 {
		t.Fatalf("ReadSchedule of a good recording = %v, %v", s, err)
	}
}

func TestReadScheduleNamesTheLineThatIsTooLong(t *testing.T) {
	t.Parallel()
	good := `{"conn":0,"dir":"up","offset":0,"size":1,"us":0}` + "\n"
	_, err := ReadSchedule(strings.NewReader(good + good[:20] + strings.Repeat("x", 70_000) + "\n"))
	if want := "line 2: longer than 64 KiB: not a line the proxy records"; err == nil || err.Error() != want {
		t.Fatalf("ReadSchedule of a 70 kB line: error = %v; want %q", err, want)
	}
}

// fullDisk fails every write, as /dev/full does.
type fullDisk struct{}

func (fullDisk) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

func TestARecordingThatCannotBeWrittenSaysSoOnce(t *testing.T) {
	t.Parallel()
	r := NewRecorder(fullDisk{})
	if !r.record(Piece{Conn: 0, Dir: "up", Size: 3}) {
		t.Error("the first failed write was not reported")
	}
	if r.record(Piece{Conn: 0, Dir: "up", Offset: 3, Size: 3}) {
		t.Error("the second failed write was reported again")
	}
	if err := r.Err(); !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "recording stopped at conn 0 up offset 0") {
		t.Errorf("Err() = %v; want where the recording stopped and why", err)
	}
}
