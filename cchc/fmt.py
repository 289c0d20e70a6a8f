"""Formatting for the command line: the same Vietnamese conventions as the documents."""

from reports.vn import day, number, percent

__all__ = ["day", "number", "percent"]
