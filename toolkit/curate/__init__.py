"""Curation of the embedded dataset: one module per source, one assembler.

Rebuild with ``python -m toolkit.datasets_build`` (see ``datasets/PROVENANCE.md``)."""
