"""Answers: reading, checking and resolving an answers file, and writing one."""
