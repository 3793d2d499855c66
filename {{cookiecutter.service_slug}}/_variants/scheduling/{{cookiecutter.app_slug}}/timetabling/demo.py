"""Locate the demo instances shipped with the package (see data/README.md)."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def demo_instances() -> list[str]:
    """File names of the shipped instances, e.g. ["comp01.ctt", "comp01.ectt", ...]."""
    return sorted(p.name for p in DATA_DIR.iterdir() if p.suffix in (".ctt", ".ectt"))


def demo_instance_path(name: str) -> Path:
    """Path of a shipped instance; `name` may omit the extension (".ectt" is then preferred)."""
    candidates = [name] if Path(name).suffix else [f"{name}.ectt", f"{name}.ctt"]
    for candidate in candidates:
        # Only plain names from the listing: no path components can escape DATA_DIR.
        if candidate in demo_instances():
            return DATA_DIR / candidate
    raise ValueError(
        f"unknown demo instance {name!r}: expected one of {', '.join(demo_instances())}"
    )
