"""All benchmarks, one after the other (``make bench``)."""

import sys

from bench import cycle, eligibility, ingest, rescoring, rules, startup

for bench in (startup, rules, eligibility, rescoring, ingest, cycle):
    sys.argv = [sys.argv[0]]
    bench.main()
