"""The clause library: questions, setting words, guidance register, topics and changelog, loaded from YAML."""
