package exercises

// runList prints one line per exercise, in course order, then how many
// are done and which comes next.
func runList(c *course, con *console, o options) error {
	if len(o.args) > 0 {
		return usagef("list takes no arguments")
	}
	states, err := c.states()
	if err != nil {
		return err
	}
	var code, finished int
	var next *Exercise
	for _, e := range c.exercises {
		con.say("%s  %s  %3d min  %-11s  %s\n", e.ID, e.Stars(), e.Minutes, states[e.ID], e.Title)
		if !e.Code() {
			continue
		}
		code++
		if states[e.ID] == done {
			finished++
		} else if next == nil {
			next = e
		}
	}
	con.say("%d of %d code exercises done", finished, code)
	if next != nil {
		con.say("; next: %s %s (go run ./lab exercises next)", next.ID, next.Title)
	}
	con.say("\n")
	return nil
}
