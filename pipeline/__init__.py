"""pipeline: offline translation management for multilingual news publishing.

The library API; the `pipeline` command (pipeline.cli) is a thin shell over it.
"""

from __future__ import annotations

__version__ = "0.1.0"
