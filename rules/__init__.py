"""The rules engine: declarative criteria sets compiled once and evaluated over whole populations.

A pure library (numpy and pandas only): no database, no orchestration.
"""
