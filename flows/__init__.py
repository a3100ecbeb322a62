"""Prefect flows: ``collect`` (the main job) and ``reparse``. Each reads as its DAG."""
