package docs

import (
	"strings"
	"testing"
)

// A page that breaks every block rule once, and keeps it once, to show that
// the rules catch what they are for.
const hostilePage = "# A chapter\n" +
	"\n" +
	"```sh\n" +
	"go run ./final client -message hello\n" +
	"ACK 5\n" +
	"```\n" +
	"\n" +
	"```\n" +
	"received \"hello\"\n" +
	"```\n" +
	"\n" +
	"```diagram\n" +
	"00 00 00 05 | hello\n" +
	"```\n" +
	"\n" +
	"[embedmd]:# (want.txt txt)\n" +
	"```txt\n" +
	"ACK 5\n" +
	"```\n" +
	"\n" +
	"```sh\n" +
	"go run ./final server\n" +
	"go run ./final client -message hello\n" +
	"```\n" +
	"\n" +
	"```sh\n" +
	"go run ./final server                  # terminal 1\n" +
	"go run ./final client -message hello   # terminal 2\n" +
	"```\n" +
	"\n" +
	"```sh\n" +
	"go run ./final server &\n" +
	"go run ./final client -message hello\n" +
	"kill -INT %1\n" +
	"```\n"

func TestTheBlockRulesCatchPastedOutputAndUnplacedServers(t *testing.T) {
	t.Parallel()
	p := parsePage("hostile.md", hostilePage)
	if len(p.blocks) != 7 {
		t.Fatalf("found %d blocks, want 7", len(p.blocks))
	}
	output := unembeddedOutput(p)
	if len(output) != 2 || !strings.Contains(output[0], `"ACK 5" in an sh block`) || !strings.Contains(output[1], "hostile.md:8:") {
		t.Errorf("the output rule found %q; want the answer in the sh block at line 3 and the bare block at line 8", output)
	}
	unplaced := unplacedCommands(p)
	if len(unplaced) != 1 || !strings.Contains(unplaced[0], "hostile.md:21:") {
		t.Errorf("the terminal rule found %q; want only the unlabelled block at line 21", unplaced)
	}
}

// A page with a built program and a command continued over two lines: the
// program's server needs its terminal like any other, a label on a
// continued command's last line counts for it, and a packet capture runs
// until Ctrl-C too.
const builtProgramsPage = "# The lab\n" +
	"\n" +
	"```sh\n" +
	"go build -o naive ./steps/01-naive\n" +
	"./naive server > out.txt\n" +
	"```\n" +
	"\n" +
	"```sh\n" +
	"./naive server > out.txt   # terminal 1\n" +
	"./naive client -message hello   # terminal 2\n" +
	"```\n" +
	"\n" +
	"```sh\n" +
	"sudo tshark -i lo \\\n" +
	"    -f 'tcp port 9000'   # terminal 4\n" +
	"```\n" +
	"\n" +
	"```sh\n" +
	"sudo tshark -i lo \\\n" +
	"    -f 'tcp port 9000'\n" +
	"```\n"

func TestTheTerminalRuleSeesBuiltProgramsAndContinuedLines(t *testing.T) {
	t.Parallel()
	p := parsePage("built.md", builtProgramsPage)
	if output := unembeddedOutput(p); len(output) != 0 {
		t.Errorf("the output rule found %q; want nothing: ./naive and continued lines are commands", output)
	}
	unplaced := unplacedCommands(p)
	if len(unplaced) != 2 || !strings.Contains(unplaced[0], "built.md:3:") || !strings.Contains(unplaced[1], "built.md:18:") {
		t.Errorf("the terminal rule found %q; want the unlabelled blocks at lines 3 and 18", unplaced)
	}
}
