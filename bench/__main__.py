"""All benchmarks, one after the other (``make bench``)."""

import sys

from bench import ingest, rules

for bench in (rules, ingest):
    sys.argv = [sys.argv[0]]
    bench.main()
