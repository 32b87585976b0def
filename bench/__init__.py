"""The benchmark: figures for every performance bar of DESIGN.md §10, measured by scripts.

Each module measures one thing and can be run alone (``uv run python bench/<module>.py``);
``ejournal bench`` (``bench/cli.py``) runs them all in one go and writes the figures.
"""
