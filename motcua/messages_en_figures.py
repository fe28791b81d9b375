"""English for the figures and the official indicators."""

EN_FIGURES = {
}
