"""Prefect tasks: each a thin wrapper (retries, cache, result persistence) around one call of
``briefings.pipeline``. Inputs are primitives (URLs, hashes, a settings dict); outputs are small
values (records, keys, summaries), never page bodies."""
