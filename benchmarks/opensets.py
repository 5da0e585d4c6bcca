"""Where the benchmark scripts find the open sets and keep their stores: the shared arguments.

    parser = argparse.ArgumentParser()
    add_open_set_arguments(parser)     # --devsets, --sets, --work
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_open_set_arguments", "ROOT", "SETS"]

ROOT = Path(__file__).resolve().parent.parent
SETS = ["cmrc2018", "drcd"]


def add_open_set_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--devsets", type=Path, default=ROOT.parent / "shared" / "devsets",
                        help="the folder of the open sets (default: ../shared/devsets)")
    parser.add_argument("--sets", nargs="+", default=SETS)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "open",
                        help="where each set's store and evaluation output are kept")
