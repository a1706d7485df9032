package proxy

import (
	"strings"
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
