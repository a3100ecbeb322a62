"""briefings: Hubei government press conferences as data.

The public Python API is small: ``extract(text, date=None)`` gives the indicator mentions of any Chinese
text (see ``briefings.extraction``). Everything else is reached through the ``briefings`` command.
"""

from briefings.extraction import extract

__all__ = ["extract"]
