"""Moving country: cost of living, and the year-by-year move with its costs."""
