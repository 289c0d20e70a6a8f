"""The reform office's use cases, one door for the command line, the portal and the flows: each step of the
year, scoring and re-scoring, appraisal, the emulation review, building every document's context from the
store and writing it out. Imports the domain packages and the store; never typer, Prefect or the web
framework. A refusal is an ``office.errors.Refused`` naming what was wrong."""
