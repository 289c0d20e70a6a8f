"""The portal (Cổng CCHC): FastAPI routes and jinja2 pages over the office's use cases; no logic of its own."""
