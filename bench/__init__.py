"""Benchmarks of briefings (issue 9): a synthetic corpus generator and one script per measurement.

Run them with ``.venv/bin/python bench/run_all.py`` (see BENCHMARKS.md); they are not tests.
"""
