"""The yearly cycle's domain steps: plan issuance, periodic reporting, inspections, scoring runs and
re-scoring on change. Plain functions over the store; ``flows/`` wraps them for Prefect."""
