package grade_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"bytestream/lab/grade"
)

// Ctrl-C while the grader waits for a server to listen used to be
// reported as the server not listening within the minute it had.
func TestCtrlCWhileWaitingForTheServerSaysInterrupted(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3:", err)
	}
	stage, err := grade.StageByNumber(4)
	if err != nil {
		t.Fatal(err)
	}
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	time.AfterFunc(300*time.Millisecond, interrupt)
	rep := grade.Run(ctx, grade.Config{Stage: stage, Timeout: time.Second,
		Command: []string{"python3", "-c", "import time; time.sleep(30)"}})
	if !rep.Interrupted || !strings.Contains(rep.Error, "interrupted") || strings.Contains(rep.Error, "did not listen") {
		t.Errorf("interrupted while the server starts: Interrupted %v, Error %q", rep.Interrupted, rep.Error)
	}
}
