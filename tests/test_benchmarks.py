"""The benchmarks read the CLI's output: a change to what a command prints must not break them silently."""

from __future__ import annotations

import sys
from pathlib import Path

from serge_kg.paths import Paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_build  # from the benchmarks folder, put on the path above


def test_bench_build_reads_every_stage_of_a_fresh_build(mini: Paths) -> None:
    stages = bench_build.fresh_build(mini.root, "reasonable")
    assert {"load", "convert", "reason", "validate + export", "write", "total", "whole process (wall)"} <= set(stages)
    assert all(secs >= 0 for secs in stages.values()) and stages["whole process (wall)"] > 0
