"""Example input files for the README tour (``worldpool examples DIR``)."""

from worldpool.examples.write import EXAMPLE_FILES, write_examples

__all__ = ["EXAMPLE_FILES", "write_examples"]
