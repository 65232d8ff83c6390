"""Recorded votes of the Human Rights Council: parsing, countries, and the vote model."""
