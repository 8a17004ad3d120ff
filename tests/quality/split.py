#!/usr/bin/python3
"""Splits the blind-written sets ONCE into a tuning half and a held-out half.

Run once when a new batch arrives (never again on the same batch): items are
grouped by what they test (for the safety set: expect + kind; for the quality
set: category + sub), each group is shuffled with a fixed seed, and its items
go alternately to the two halves. The halves are written next to this script
and committed; held-out items are never edited after that.

    split.py safety 1 raw/safety-A.json raw/safety-B.json  -> safety-1-tuning.json, safety-1-heldout.json
    split.py quality 1 raw/quality-A.json ...               -> quality-1-tuning.json, quality-1-heldout.json

The second argument numbers the batch; each batch is split on its own.
"""
import json
import random
import sys
from collections import defaultdict
from pathlib import Path


def group_key(kind, item):
    if kind == "safety":
        return (item["expect"], item.get("kind", ""))
    return (item["category"], item.get("sub", ""))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    kind, batch, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    if kind not in ("safety", "quality") or not batch.isdigit():
        sys.exit(__doc__)
    items = []
    for f in files:
        items.extend(json.loads(Path(f).read_text()))
    groups = defaultdict(list)
    for item in items:
        groups[group_key(kind, item)].append(item)
    rng = random.Random(20261130)
    halves = ([], [])
    for key in sorted(groups):
        group = groups[key]
        rng.shuffle(group)
        start = rng.randrange(2)  # odd groups do not always favour one half
        for i, item in enumerate(group):
            halves[(i + start) % 2].append(item)
    here = Path(__file__).parent
    for name, half in zip(("tuning", "heldout"), halves):
        half.sort(key=lambda x: x["id"])
        (here / f"{kind}-{batch}-{name}.json").write_text(json.dumps(half, indent=1, ensure_ascii=False) + "\n")
        print(f"{kind}-{batch}-{name}.json: {len(half)} items")


if __name__ == "__main__":
    main()
