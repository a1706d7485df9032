package demo

import (
	"bytes"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if the demo leaves a proxy, a receiver or a
// connection behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRunShowsTheNaiveReceiverBreakAndTheFramedOneSurvive(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := Run(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  → 11 messages, garbled           → 4 messages, exact\n",
		"  → 1 message, garbled                  → 4 messages, exact\n",
		`  "hellohow are you?fine, thanksbye"    "hello"` + "\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}
