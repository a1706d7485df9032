package bench

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the report as one indented JSON object, never coloured.
// The fields are documented on Report and in docs/bench.md.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
