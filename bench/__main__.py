"""All benchmarks, one after the other (``make bench``)."""

import sys

from bench import cycle, eligibility, ingest, rescoring, rules

for bench in (rules, eligibility, rescoring, ingest, cycle):
    sys.argv = [sys.argv[0]]
    bench.main()
