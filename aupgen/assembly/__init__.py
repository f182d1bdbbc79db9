"""Assembly: (answers, library) -> Policy, a pure function, and the Policy data it returns."""
