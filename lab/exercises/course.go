package exercises

import (
	"embed"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/txtar"
)

// archives holds one txtar archive per step: its exercises, their hints,
// and each one's solution (code) or answer (question).
//
//go:embed solutions/*.txtar
var archives embed.FS

// An Exercise is one numbered exercise at the end of a chapter.
type Exercise struct {
	ID      string // "03.1": the step's number, a dot, the exercise's number
	Step    string // "03-framing": the step folder it is done in
	Title   string
	Kind    string // "code" (a test checks it) or "question" (a written answer)
	Level   int    // difficulty, 1 (easy) to 3 (hard)
	Minutes int    // a time estimate for a learner who has read the chapter
	Test    string // code: the exercise test, behind the build tag exercise
	// Breaks names the step's reference tests that the solution makes fail
	// on purpose: they assert the behaviour the exercise changes.
	Breaks []string
	// Files are the step's files the exercise is about, relative to the
	// step folder: for code, those the solution changes.
	Files  []string
	Hints  []string
	Patch  []byte // code: the solution, a unified diff against the reference
	Answer string // question: the written answer
}

// Code reports whether a test checks the exercise.
func (e *Exercise) Code() bool { return e.Kind == "code" }

// Stars shows the difficulty as one to three stars.
func (e *Exercise) Stars() string {
	return strings.Repeat("★", e.Level) + strings.Repeat("☆", 3-e.Level)
}

// Course loads every exercise, in the order of the course.
func Course() ([]*Exercise, error) {
	names, err := archives.ReadDir("solutions")
	if err != nil {
		return nil, err
	}
	var all []*Exercise
	for _, entry := range names { // ReadDir sorts by name: step order
		data, err := archives.ReadFile(path.Join("solutions", entry.Name()))
		if err != nil {
			return nil, err
		}
		step := strings.TrimSuffix(entry.Name(), ".txtar")
		list, err := parseStep(step, txtar.Parse(data))
		if err != nil {
			return nil, fmt.Errorf("solutions/%s: %w", entry.Name(), err)
		}
		all = append(all, list...)
	}
	return all, nil
}

// parseStep reads one step's archive. A section named "2" holds exercise
// 2's settings, one "key: value" a line; "2/hint1", "2/hint2" … its hints in
// order; "2/solution.patch" or "2/answer" its solution.
func parseStep(step string, ar *txtar.Archive) ([]*Exercise, error) {
	byNum := make(map[string]*Exercise)
	var order []string
	for _, f := range ar.Files {
		num, part, _ := strings.Cut(f.Name, "/")
		e := byNum[num]
		if part == "" {
			if e != nil {
				return nil, fmt.Errorf("exercise %s described twice", num)
			}
			e = &Exercise{ID: step[:2] + "." + num, Step: step}
			if err := e.setAll(string(f.Data)); err != nil {
				return nil, fmt.Errorf("exercise %s: %w", num, err)
			}
			byNum[num] = e
			order = append(order, num)
			continue
		}
		if e == nil {
			return nil, fmt.Errorf("section %s comes before exercise %s's settings", f.Name, num)
		}
		switch {
		case part == "hint"+strconv.Itoa(len(e.Hints)+1):
			e.Hints = append(e.Hints, strings.TrimSpace(string(f.Data)))
		case part == "solution.patch":
			e.Patch = f.Data
		case part == "answer":
			e.Answer = strings.TrimSpace(string(f.Data))
		default:
			return nil, fmt.Errorf("unexpected section %s (hints are numbered from 1, in order)", f.Name)
		}
	}
	var list []*Exercise
	for _, num := range order {
		e := byNum[num]
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("exercise %s: %w", e.ID, err)
		}
		list = append(list, e)
	}
	return list, nil
}

// setAll reads the settings section, one "key: value" a line.
func (e *Exercise) setAll(text string) error {
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return fmt.Errorf("line %q is not key: value", line)
		}
		if err := e.set(key, strings.TrimSpace(value)); err != nil {
			return err
		}
	}
	return nil
}

func (e *Exercise) set(key, value string) error {
	var err error
	switch key {
	case "title":
		e.Title = value
	case "kind":
		e.Kind = value
	case "level":
		e.Level, err = strconv.Atoi(value)
	case "minutes":
		e.Minutes, err = strconv.Atoi(value)
	case "test":
		e.Test = value
	case "breaks":
		e.Breaks = strings.Fields(value)
	case "files":
		e.Files = strings.Fields(value)
	default:
		return fmt.Errorf("unknown setting %q", key)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// check makes sure the exercise has what its kind needs, and fills Files
// from the solution for code.
func (e *Exercise) check() error {
	switch {
	case e.Title == "":
		return fmt.Errorf("no title")
	case e.Level < 1 || e.Level > 3:
		return fmt.Errorf("level %d, want 1 to 3", e.Level)
	case e.Minutes <= 0:
		return fmt.Errorf("no time estimate (minutes)")
	case len(e.Hints) == 0:
		return fmt.Errorf("no hints")
	}
	switch e.Kind {
	case "code":
		if e.Test == "" || e.Patch == nil {
			return fmt.Errorf("a code exercise needs a test and a solution.patch")
		}
		patches, err := parsePatch(e.Patch)
		if err != nil {
			return fmt.Errorf("solution.patch: %w", err)
		}
		for _, p := range patches {
			if dir, file := path.Split(p.Path); dir != "steps/"+e.Step+"/" {
				return fmt.Errorf("solution.patch changes %s, outside steps/%s", p.Path, e.Step)
			} else if !slices.Contains(e.Files, file) {
				e.Files = append(e.Files, file)
			}
		}
	case "question":
		if e.Answer == "" {
			return fmt.Errorf("a question needs an answer")
		}
	default:
		return fmt.Errorf("kind %q, want code or question", e.Kind)
	}
	return nil
}

// Find returns the exercise with id ("03.1"), or an error that lists the
// ids there are.
func Find(course []*Exercise, id string) (*Exercise, error) {
	for _, e := range course {
		if e.ID == id {
			return e, nil
		}
	}
	return nil, fmt.Errorf("no exercise %q: ids are step.number, as in 03.1; `go run ./lab exercises` lists them", id)
}
