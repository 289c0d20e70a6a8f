"""Prefect flows: thin wrappers over the plain functions of the domain packages."""
