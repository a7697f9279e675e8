"""Fakes of the outside services the tests and benchmarks talk to."""
