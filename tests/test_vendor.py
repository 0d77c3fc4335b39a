"""The vendored browser libraries match their manifest and the pinned npm lock, licence included."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "serge_kg" / "web" / "static" / "vendor"
LOCK = ROOT / "tools" / "vendor" / "package-lock.json"


def test_every_vendored_file_is_in_the_manifest_with_its_hash() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    listed = {VENDOR / entry["dir"] / name: digest for entry in manifest.values() for name, digest in entry["files"].items()}
    on_disk = {p for p in VENDOR.rglob("*") if p.is_file() and p.name != "MANIFEST.json"}
    assert on_disk == set(listed), "vendor/ and MANIFEST.json disagree; rerun tools/vendor/vendor.py"
    for path, digest in listed.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{path} was edited by hand"


def test_versions_are_the_locked_ones_and_each_package_has_its_licence() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    packages = json.loads(LOCK.read_text())["packages"]
    for name, entry in manifest.items():
        assert packages[f"node_modules/{name}"]["version"] == entry["version"], name
        assert "LICENSE.txt" in entry["files"], f"{name} has no licence file"
        assert entry["license"], name
