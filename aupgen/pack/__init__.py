"""A policy pack on disk: where its files go, its build record, and writing it."""
