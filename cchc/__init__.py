"""cchc: the yearly administrative-reform cycle of Vietnamese provinces and departments."""

__version__ = "0.1.0"
