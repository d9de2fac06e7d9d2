"""Extract stage: pages (text dumps, HTML, Markdown) -> articles -> translation units.

`extract_paths` returns frozen Articles; `iter_files` gives one result per input file so a caller
can report each failure and go on; `store_articles` saves them through the store.
"""

from __future__ import annotations

from pipeline.extract.api import FileResult, extract_paths, iter_files, store_articles

__all__ = ["FileResult", "extract_paths", "iter_files", "store_articles"]
