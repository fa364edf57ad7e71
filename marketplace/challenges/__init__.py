"""Open challenge calls (揭榜挂帅): calls, questions, proposals, judging, awards (issue 16)."""
