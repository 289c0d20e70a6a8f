"""All benchmarks, one after the other (``make bench``)."""

import sys

from bench import anomalies, cycle, eligibility, ingest, rescoring, rules, rules_compile, startup, upload

for bench in (startup, rules, rules_compile, eligibility, rescoring, ingest, upload, cycle, anomalies):
    sys.argv = [sys.argv[0]]
    bench.main()
