package frame

import (
	"strings"
	"testing"
)

func TestTooLargeSaysWhenThePeerIsNotSpeakingByteStream(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, stream, want string
	}{
		{"an HTTP server's reply", "HTTP/1.1 400 Bad Request\r\n",
			`frame too large: 1213486160 bytes > limit 16777216 (the stream starts with "HTTP/": is the other end speaking ByteStream?)`},
		{"an HTTP request", "GET / HTTP/1.1\r\n",
			`frame too large: 1195725856 bytes > limit 16777216 (the stream starts with "GET /": is the other end speaking ByteStream?)`},
		{"a length that is no text", "\xff\xff\xff\xff\x01",
			`frame too large: 4294967295 bytes > limit 16777216`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.stream)).ReadHeader()
			if err == nil || err.Error() != tt.want {
				t.Errorf("ReadHeader of %q: error %v; want %q", tt.stream, err, tt.want)
			}
		})
	}
}
