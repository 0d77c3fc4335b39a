#!/usr/bin/env python3
"""Vendor the browser libraries the pages use into ``src/serge_kg/web/static/vendor/``.

Usage (a maintainer reruns this after changing a version in ``package.json``)::

    cd tools/vendor && npm install --package-lock-only --ignore-scripts   # only when package.json changed
    python3 tools/vendor/vendor.py

It runs ``npm ci --ignore-scripts`` in a temporary copy of this folder (the pinned versions of
``package-lock.json``), copies the files listed in :data:`FILES` with each package's licence file, and
writes ``vendor/MANIFEST.json`` (package, version, licence, files with their SHA-256), which a test checks
against the files and the lock. The deployed site makes no request to any other host: everything a page
loads is in the package.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEST = ROOT / "src" / "serge_kg" / "web" / "static" / "vendor"

# package -> files to copy (paths inside the package; directories copied whole)
FILES: dict[str, list[str]] = {
    "vis-timeline": ["standalone/umd/vis-timeline-graph2d.min.js", "dist/vis-timeline-graph2d.min.css"],
    "leaflet": ["dist/leaflet.js", "dist/leaflet.css", "dist/images"],
    "world-atlas": ["land-50m.json"],
    "topojson-client": ["dist/topojson-client.min.js"],
    "cytoscape": ["dist/cytoscape.min.js"],
    "layout-base": ["layout-base.js"],
    "cose-base": ["cose-base.js"],
    "cytoscape-fcose": ["cytoscape-fcose.js"],
    "@zazuko/yasgui": ["build/yasgui.min.js", "build/yasgui.min.css"],
}
LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENSE-MIT", "LICENSE.MIT.txt", "license")
MIT = """MIT License

Copyright (c) {author}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions
of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
IN THE SOFTWARE.
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def licence(package_dir: Path, meta: dict, out: Path) -> str:
    """Copy the package's licence file into ``out``; write the MIT text naming its author when it ships none."""
    for name in LICENCE_NAMES:
        if (package_dir / name).is_file():
            shutil.copyfile(package_dir / name, out / "LICENSE.txt")
            return "LICENSE.txt"
    if meta.get("license") != "MIT":
        sys.exit(f"{meta['name']}: no licence file and licence {meta.get('license')!r} is not MIT; add it by hand")
    author = meta.get("author", meta["name"])
    author = author.get("name", meta["name"]) if isinstance(author, dict) else author
    (out / "LICENSE.txt").write_text(
        f"The npm package {meta['name']} {meta['version']} ships no licence file; its package.json says "
        f"\"license\": \"MIT\". The MIT licence text, naming its author:\n\n" + MIT.format(author=author))
    return "LICENSE.txt"


def main() -> int:
    if shutil.which("npm") is None:
        sys.exit("npm is needed (Debian: apt-get install npm)")
    manifest: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(HERE / name, work / name)
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=work, check=True)
        if DEST.exists():
            shutil.rmtree(DEST)
        for package, files in FILES.items():
            src = work / "node_modules" / package
            meta = json.loads((src / "package.json").read_text())
            out = DEST / package.replace("@", "").replace("/", "-")
            out.mkdir(parents=True)
            copied: dict[str, str] = {}
            for rel in files:
                source = src / rel
                target = out / Path(rel).name
                if source.is_dir():
                    shutil.copytree(source, target)
                    for f in sorted(target.rglob("*")):
                        if f.is_file():
                            copied[str(f.relative_to(out))] = sha256(f)
                else:
                    shutil.copyfile(source, target)
                    copied[target.name] = sha256(target)
            lic = licence(src, meta, out)
            copied[lic] = sha256(out / lic)
            manifest[package] = {"version": meta["version"], "license": meta.get("license"),
                                 "dir": out.name, "files": dict(sorted(copied.items()))}
    (DEST / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    print(f"vendored {len(manifest)} packages into {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
