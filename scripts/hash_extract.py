#!/usr/bin/env python3
"""Digest of everything text-dump extraction makes, to show a speed change keeps the output.

Extracts each dump kind under `--dumps` (`lynx/`, `w3m/`, `browser/`: one run each, as
`bench_extract.py --dumps` times them) and the corpus pages, and hashes the repr of each file's
articles (or its error). `--save FILE` writes one digest per file; `--check FILE` compares with
a saved one and names the files that differ (exit 1).

    python scripts/hash_extract.py --dumps DIR --save before.json
    python scripts/hash_extract.py --dumps DIR --check before.json
"""

from __future__ import annotations

import _project_env  # noqa: F401  # isort: skip  (runs the script in .venv)

import argparse
import hashlib
import json
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def digests(sets: dict[str, list[Path]]) -> dict[str, str]:
    """Per file: sha256 of the repr of its extraction result (articles, error, size)."""
    from pipeline.extract.api import iter_files

    out: dict[str, str] = {}
    for paths in sets.values():
        for r in iter_files(paths, fmt="text"):
            result = (r.path, r.articles, str(r.error) if r.error else None, r.size)
            out[r.path] = hashlib.sha256(repr(result).encode("utf-8", "surrogatepass")).hexdigest()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dumps", type=Path, help="a directory of dump kinds (lynx/, w3m/, ...)")
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get(
        "PIPELINE_CORPUS", ROOT.parent / "shared" / "corpus")))
    ap.add_argument("--save", type=Path, help="write the per-file digests here")
    ap.add_argument("--check", type=Path, help="compare with digests saved earlier")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    logging.disable(logging.WARNING)  # real dumps carry stray bytes: one warning each
    sets: dict[str, list[Path]] = {}
    if args.dumps:
        for kind in sorted(p for p in args.dumps.iterdir() if p.is_dir()):
            sets[kind.name] = sorted(kind.glob("*.txt"))
    sets["corpus"] = sorted((args.corpus / "pages").glob("*.txt"))
    found = digests(sets)
    total = hashlib.sha256("".join(found[p] for p in sorted(found)).encode()).hexdigest()
    print(f"{len(found)} files ({', '.join(f'{k} {len(v)}' for k, v in sets.items())}): {total}")
    if args.save:
        args.save.write_text(json.dumps(found, indent=0, sort_keys=True), "utf-8")
    if args.check:
        saved = json.loads(args.check.read_text("utf-8"))
        differ = sorted(p for p in saved.keys() | found.keys() if saved.get(p) != found.get(p))
        if differ:
            print(f"{len(differ)} files differ:", *differ[:20], sep="\n  ")
            return 1
        print("identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
