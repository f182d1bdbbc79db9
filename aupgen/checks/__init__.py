"""Checks over a whole clause library: `aupgen clauses check` and its sweep over answer sets."""
