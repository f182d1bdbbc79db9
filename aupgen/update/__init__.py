"""`aupgen update`: the next version of a setting's policy, what changed, and the redline."""
