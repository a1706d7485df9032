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
