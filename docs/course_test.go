package docs

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The rules below keep the course honest for the learner who follows it to
// the letter, and usable for the teacher who runs it. Each test names the
// rule it keeps in its failure message, and docs/README.md explains the
// conventions to whoever writes a chapter.

// TestShownOutputIsEmbeddedFromACheckedSource is the rule against pasted
// output. Every fenced block in the course is one of three kinds:
//
//   - `sh`: commands to type, and nothing else. Each line starts with a
//     command the course uses (go, make, kill ...) or is a comment, so a
//     pasted answer cannot hide in one.
//   - `diagram`: a figure drawn by hand (a byte layout, a timeline). It shows
//     no program's output.
//   - anything else (go, txt, diff, json ...): it must come from a file, put
//     there by embedmd, so that `make docs-check` fails when the file and
//     the chapter differ. The files are source code, or the expected
//     output and recorded logs that the test scripts compare with what the
//     programs print.
func TestShownOutputIsEmbeddedFromACheckedSource(t *testing.T) {
	t.Parallel()
	for _, p := range coursePages(t) {
		for _, problem := range unembeddedOutput(p) {
			t.Error(problem)
		}
	}
}

// unembeddedOutput lists the blocks of p that break the rule above.
func unembeddedOutput(p *page) []string {
	var problems []string
	for _, b := range p.blocks {
		switch b.info {
		case "sh":
			for _, l := range commandLines(b) {
				if !isCommand(l) {
					problems = append(problems, fmt.Sprintf("%s:%d: %q in an sh block is not a command: "+
						"sh blocks hold commands only; show output by embedding it (see docs/README.md, \"How the chapters are checked\")",
						p.path, b.line, l))
				}
			}
		case "diagram":
		default:
			if !strings.HasPrefix(b.prev, "[embedmd]:# (") {
				problems = append(problems, fmt.Sprintf("%s:%d: a ```%s block that is not embedded: put an [embedmd] line above it "+
					"that takes it from a checked file, or mark a hand-drawn figure ```diagram",
					p.path, b.line, b.info))
			}
		}
	}
	return problems
}

// commandLines are a block's commands, one string each: its lines that are
// not blank and not a comment, with the lines a backslash continues joined
// to the one they continue, so that a `# terminal N` on a command's last
// line counts for the whole command.
func commandLines(b block) []string {
	var out []string
	continued := false
	for _, raw := range b.lines {
		l := strings.TrimSpace(raw)
		wasContinued := continued
		continued = strings.HasSuffix(l, `\`)
		switch {
		case wasContinued:
			out[len(out)-1] = strings.TrimSuffix(out[len(out)-1], `\`) + l
		case l == "" || strings.HasPrefix(l, "#"):
			continued = false
		default:
			out = append(out, l)
		}
	}
	return out
}

// commands are the programs the course asks a learner to run, and the
// shell words that go with them.
var commands = map[string]bool{
	"go": true, "make": true, "kill": true, "wait": true, "jobs": true,
	"for": true, "do": true, "done": true, "cd": true, "git": true,
	"sudo": true, "tshark": true, "ss": true, "lsof": true,
	"strace": true, "perf": true, "rm": true, "python3": true, "nc": true,
	"$EDITOR": true,
}

// isCommand reports whether l starts with one of the commands, or with a
// program the page had the learner build (`./naive`), after any VAR=value
// assignments.
func isCommand(l string) bool {
	for _, word := range strings.Fields(l) {
		if strings.Contains(word, "=") && !strings.HasPrefix(word, "-") {
			continue // an environment assignment, NO_COLOR=1
		}
		return commands[word] || builtProgram.MatchString(word)
	}
	return false
}

// builtProgram matches a program run from the current folder, `./naive`.
var builtProgram = regexp.MustCompile(`^\./[a-z0-9][a-z0-9.-]*$`)

// longRunning matches a command that keeps running until Ctrl-C: a server,
// a lab proxy (run with go run, or built first), or a packet capture.
var longRunning = regexp.MustCompile(`^go run \S+ (server|proxy)\b|^make (server|lab)\b|^\./\S+ (server|proxy)\b|^(sudo )?tshark\b`)

// terminal matches the comment that says where a command goes.
var terminal = regexp.MustCompile(`# terminal \d\b`)

// TestCommandsThatKeepRunningSayWhichTerminal is the rule for blocks that
// start a server or a proxy: such a command holds its terminal until
// Ctrl-C, so a learner typing the block top to bottom needs to know where
// each line goes. Either every command of the block says `# terminal N`, or
// the block is a one-terminal recipe in which every long-running command
// ends in `&`.
func TestCommandsThatKeepRunningSayWhichTerminal(t *testing.T) {
	t.Parallel()
	for _, p := range coursePages(t) {
		for _, problem := range unplacedCommands(p) {
			t.Error(problem)
		}
	}
}

// unplacedCommands lists the sh blocks of p that break the rule above.
func unplacedCommands(p *page) []string {
	var problems []string
	for _, b := range p.blocks {
		if b.info != "sh" {
			continue
		}
		lines := commandLines(b)
		starts, background, labelled := 0, 0, 0
		for _, l := range lines {
			if longRunning.MatchString(l) {
				starts++
				if strings.HasSuffix(strings.TrimSpace(strings.Split(l, "#")[0]), "&") {
					background++
				}
			}
			if terminal.MatchString(l) {
				labelled++
			}
		}
		if starts > 0 && labelled != len(lines) && background != starts {
			problems = append(problems, fmt.Sprintf("%s:%d: this block starts %d long-running program(s): "+
				"give every command a `# terminal N` comment, or end each long-running one with `&` (one terminal)",
				p.path, b.line, starts))
		}
	}
	return problems
}

// header fields every chapter opens with, before its first section.
var headerFields = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^- \*\*Time:\*\* about \d+ min reading, \d+ min lab, \d+ min exercises`),
	regexp.MustCompile(`(?m)^- \*\*Difficulty:\*\* (★☆☆☆|★★☆☆|★★★☆|★★★★) \S`),
	regexp.MustCompile(`(?m)^- \*\*Prerequisites:\*\* \S`),
	regexp.MustCompile(`(?m)^- \*\*Teacher notes:\*\* \[teach/\d\d-[a-z0-9-]+\.md\]\(teach/\d\d-[a-z0-9-]+\.md\)$`),
}

// TestChaptersOpenWithTheInstructorHeader keeps what a teacher plans a
// session with at the top of every chapter: the time it takes, how hard it
// is, the Go it assumes, a link to the teacher notes, and the objectives
// ("What you will learn") as the first section.
func TestChaptersOpenWithTheInstructorHeader(t *testing.T) {
	t.Parallel()
	for _, p := range chapters(t) {
		intro := p.intro()
		for _, re := range headerFields {
			if !re.MatchString(intro) {
				t.Errorf("%s: the header above the first section lacks a line matching %s", p.path, re)
			}
		}
		if len(p.sections) == 0 || p.sections[0].title != "What you will learn" {
			t.Errorf("%s: the first section must be \"What you will learn\", the chapter's objectives", p.path)
		}
	}
}

// teacherSections are the headings every file of teacher notes has.
var teacherSections = []string{
	"Session plan (90 minutes)",
	"The demo to project",
	"Common mistakes",
	"Discussion questions",
}

// TestEveryChapterHasTeacherNotes checks that docs/teach holds one file per
// chapter, named like it, with the four parts a teacher looks for.
func TestEveryChapterHasTeacherNotes(t *testing.T) {
	t.Parallel()
	for _, p := range chapters(t) {
		notes := filepath.Join("teach", filepath.Base(p.path))
		if _, err := os.Stat(notes); err != nil {
			t.Errorf("%s has no teacher notes: %v", p.path, err)
			continue
		}
		n := readPage(t, notes)
		for _, title := range teacherSections {
			if n.section(title) == nil {
				t.Errorf("%s: no section %q", notes, title)
			}
		}
	}
}

// proofName matches what a check-yourself answer cites as its proof: a Go
// test or example by name, or a script by its path.
var (
	testName   = regexp.MustCompile(`\bTest[A-Z_]\w*|\bExample(_\w+|[A-Z]\w*)?\b`)
	scriptPath = regexp.MustCompile(`testdata/[a-z0-9/-]+\.txtar`)
	detailsRE  = regexp.MustCompile(`(?s)<details>(.*?)</details>`)
)

// TestCheckYourselfAnswersNameTheirProof keeps the questions at the end of
// every chapter honest. Each chapter has a "Check yourself" section with at
// least three questions, each answer folded in <details>, and each answer
// names the test or script that proves it. Every test named must exist in
// the repository, and every script path must be a file.
func TestCheckYourselfAnswersNameTheirProof(t *testing.T) {
	t.Parallel()
	defined := testFuncs(t)
	for _, p := range chapters(t) {
		s := p.section("Check yourself")
		if s == nil {
			t.Errorf("%s: no \"Check yourself\" section", p.path)
			continue
		}
		answers := detailsRE.FindAllStringSubmatch(s.text, -1)
		if len(answers) < 3 {
			t.Errorf("%s: \"Check yourself\" has %d folded answers, want at least 3", p.path, len(answers))
		}
		for i, a := range answers {
			names := testName.FindAllString(a[1], -1)
			scripts := scriptPath.FindAllString(a[1], -1)
			if len(names) == 0 && len(scripts) == 0 {
				t.Errorf("%s: check-yourself answer %d names no test or script that proves it", p.path, i+1)
			}
			for _, n := range names {
				if !defined[n] {
					t.Errorf("%s: check-yourself answer %d names %s, which no _test.go file defines", p.path, i+1, n)
				}
			}
			for _, sp := range scripts {
				if _, err := os.Stat(filepath.Join("..", sp)); err != nil {
					t.Errorf("%s: check-yourself answer %d names %s: %v", p.path, i+1, sp, err)
				}
			}
		}
	}
}

// testFuncs lists the Test and Example functions defined in the
// repository's _test.go files, whatever their build tags.
func testFuncs(t *testing.T) map[string]bool {
	t.Helper()
	funcRE := regexp.MustCompile(`(?m)^func ((Test|Example)[A-Za-z0-9_]*)\(`)
	defined := make(map[string]bool)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range funcRE.FindAllStringSubmatch(string(data), -1) {
			defined[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(fmt.Errorf("list test functions: %w", err))
	}
	return defined
}
