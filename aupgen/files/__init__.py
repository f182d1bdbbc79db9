"""Reading and writing files safely: YAML with line numbers, atomic outputs, file names."""
