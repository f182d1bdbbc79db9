"""Many settings at once: an adviser's estate built or updated in parallel, its summary, and staff rosters."""
