"""All benchmarks, one after the other."""

from bench import ingest

ingest.main()
