"""The firm's side: the district's roster, check-ups, finance, digests and events (issue 18)."""
