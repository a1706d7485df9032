package soak

import (
	"strings"
	"testing"
)

func TestTableAlignsColumnsAndMarksFailures(t *testing.T) {
	t.Parallel()
	var tab Table
	tab.Add(Row{Threat: "load", Figure: "memory per idle connection", Value: "21.3 KiB", Target: "≤ 32 KiB", Pass: true})
	tab.Add(Row{Threat: "hostile: slowloris", Figure: "p99 loaded / unloaded", Value: "2.4×", Target: "≤ 2×", Pass: false})
	var out strings.Builder
	if err := tab.WriteMarkdown(&out); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"| threat             | figure                     | value    | target   | result |\n" +
		"| ------------------ | -------------------------- | -------- | -------- | ------ |\n" +
		"| load               | memory per idle connection | 21.3 KiB | ≤ 32 KiB | pass   |\n" +
		"| hostile: slowloris | p99 loaded / unloaded      | 2.4×     | ≤ 2×     | FAIL   |\n"
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
	if tab.Len() != 2 {
		t.Errorf("Len = %d, want 2", tab.Len())
	}
}
