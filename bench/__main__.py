"""All benchmarks, one after the other (``make bench``)."""

import sys

from bench import eligibility, ingest, rules

for bench in (rules, eligibility, ingest):
    sys.argv = [sys.argv[0]]
    bench.main()
