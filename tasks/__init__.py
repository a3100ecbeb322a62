"""Prefect tasks: each a thin wrapper (retries, cache, result persistence) around one call of
``briefings.pipeline``. Inputs are small values (URLs, hashes, the run's frozen ``Settings``); outputs are small
values (records, keys, summaries), never page bodies."""
