"""Catalogs stage: gettext PO export and import (through polib) and MO compilation.

`pipeline.catalogs.pofile.load_po` is the validated reader every PO input goes through.
"""
