"""Planted incidents on real open-source Spring codebases (see README.md)."""
