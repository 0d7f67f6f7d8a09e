"""vnsearch indexer: analysis, ingest, index build and search for Vietnamese news."""

__version__ = "0.1.0"
