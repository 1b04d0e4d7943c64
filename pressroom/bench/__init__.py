"""Benchmarks: `pressroom bench NAME`. Each sets up its own data in a fresh database."""
