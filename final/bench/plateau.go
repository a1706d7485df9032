package bench

// plateauShare is how close to the best rate a size must come to count as
// having reached the plateau.
const plateauShare = 0.90

// PlateauSize returns the smallest payload size whose rate reaches 90% of the
// best rate among rows, and false when rows is empty or no rate is
// positive. Rows may come in any order.
func PlateauSize(rows []Point) (int, bool) {
	var best float64
	for _, r := range rows {
		best = max(best, r.Rate)
	}
	if best <= 0 {
		return 0, false
	}
	size, found := 0, false
	for _, r := range rows {
		if r.Rate >= plateauShare*best && (!found || r.Size < size) {
			size, found = r.Size, true
		}
	}
	return size, found
}

// Point is one measured rate at one payload size.
type Point struct {
	Size int
	Rate float64
}
