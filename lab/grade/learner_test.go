package grade_test

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"bytestream/lab/grade"
)

// A server written in Python from docs/protocol.md alone passes stage 4:
// the grader speaks the protocol, not Go.
func TestPythonLearnerPassesStage4(t *testing.T) {
	t.Parallel()
	needPython(t)
	rep := gradeRun(t, 4, grade.Config{Command: learner()})
	if !rep.Passed {
		t.Fatalf("the Python learner's server failed stage 4: %+v", rep)
	}
}

// The same server reading each header with one recv() fails, and the
// failure shows the cut that broke it.
func TestPythonOneRecvFailsWithTheCutShown(t *testing.T) {
	t.Parallel()
	needPython(t)
	rep := gradeRun(t, 4, grade.Config{Command: learner("one-recv")})
	if rep.Passed {
		t.Fatal("the one-recv server passed stage 4")
	}
	if r := result(t, rep, "whole"); r.Status != "pass" {
		t.Errorf("whole = %s: %s; want pass (whole messages hide the bug)", r.Status, r.Message)
	}
	cuts := result(t, rep, "cuts")
	if cuts.Status != "fail" {
		t.Fatalf("cuts = %s; want fail", cuts.Status)
	}
	for _, want := range []string{"cut after byte", "|", "expected  #1 ACK 2", "-replay ", ".jsonl", "nc 127.0.0.1 9001 < "} {
		if !strings.Contains(cuts.Detail+strings.Join(cuts.Replay, "\n"), want) {
			t.Errorf("the cuts failure does not show %q:\n%s", want, cuts.Detail)
		}
	}
}

// A server that reads 64 MiB ahead before it looks at the declared length
// closes the connection like a good one; only its memory gives it away.
func TestGreedyServerFailsTheLimitOnMemory(t *testing.T) {
	t.Parallel()
	needPython(t)
	if runtime.GOOS != "linux" {
		t.Skip("memory is measured on Linux only")
	}
	rep := gradeRun(t, 4, grade.Config{Command: learner("greedy"), Run: only("limit")})
	r := result(t, rep, "limit")
	if r.Status != "fail" || !strings.Contains(r.Message, "memory grew") {
		t.Fatalf("limit = %s: %s; want a failure about memory", r.Status, r.Message)
	}
}

// Stage 1 is chapter 01's first exercise done: a Python server that keeps
// messages apart at newlines passes it, printing each as Go's %q would.
func TestPythonNewlineServerPassesStage1(t *testing.T) {
	t.Parallel()
	needPython(t)
	rep := gradeRun(t, 1, grade.Config{Command: []string{"python3", filepath.Join(moduleRoot, "testdata", "grade", "lines.py"), "{port}"}})
	if !rep.Passed {
		t.Fatalf("the Python newline server failed stage 1:\n%s", describe(rep))
	}
}
