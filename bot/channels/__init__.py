"""Thin adapters between the outside world and the core: parse, call, render."""
