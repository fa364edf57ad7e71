"""Demo data: the curated demo market and a generator of large synthetic sets."""
