"""arms-routes: map alleged arms-transfer routes with the evidence for each claim."""

__version__ = "0.1.0"
