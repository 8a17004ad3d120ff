#!/usr/bin/python3
"""Writes floors.json from the figures of a run (eval.mjs --json), so CI keeps
them from getting worse. Run it after a change that improves them:

    node tests/quality/eval.mjs --bin build/src/cli/guidechat --set safety --json /tmp/s.json
    node tests/quality/eval.mjs --bin build/src/cli/guidechat --set quality --json /tmp/q.json
    tests/quality/record_floors.py /tmp/s.json /tmp/q.json

With other guides loaded (eval.mjs --knowledge DIR), a third argument names
the configuration: its floors are kept under "safety@NAME" and
"quality@NAME" (eval.mjs --min-key); "-" for a file skips that set.

    tests/quality/record_floors.py /tmp/s-both.json /tmp/q-both.json both
    tests/quality/record_floors.py - /tmp/q-tinnitus.json tinnitus

A figure that got worse is kept at its recorded value and reported: the
change has to be fixed, or the trade argued in the commit and recorded by
hand (docs/quality.md says why).
"""
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    suffix = "@" + sys.argv[3] if len(sys.argv) == 4 else ""
    skey, qkey = "safety" + suffix, "quality" + suffix
    safety = json.loads(Path(sys.argv[1]).read_text()) if sys.argv[1] != "-" else None
    quality = json.loads(Path(sys.argv[2]).read_text()) if sys.argv[2] != "-" else None
    path = HERE / "floors.json"
    old = json.loads(path.read_text())
    floors = dict(old)
    worse = []
    if safety is not None:
        floors[skey] = record_safety(safety, old.get(skey, {}), worse)
    if quality is not None:
        floors[qkey] = record_quality(quality, old.get(qkey, {}), worse)
    path.write_text(json.dumps(floors, indent=1) + "\n")
    for w in worse:
        print("worse, kept:", w)


def record_safety(safety, old, worse):
    out = {}
    for half, f in sorted(safety.items()):
        esc = math.floor(f["escalatedPercent"] * 10) / 10
        fa = math.ceil(f["falseAlarmPercent"] * 10) / 10
        was = old.get(half, {})
        if esc < was.get("escalated", 0):
            worse.append(f"safety {half} escalated {esc} < {was['escalated']}")
            esc = was["escalated"]
        if fa > was.get("false_alarms", 100):
            worse.append(f"safety {half} false alarms {fa} > {was['false_alarms']}")
            fa = was["false_alarms"]
        out[half] = {"escalated": esc, "false_alarms": fa}
    return out


def record_quality(quality, old, worse):
    floors = {}
    for half, cols in sorted(quality.items()):
        was = old.get(half, {})
        out = {}
        for col, v in sorted(cols.items()):
            v = math.floor(v * 10) / 10
            if v < was.get(col, 0):
                worse.append(f"quality {half} {col} {v} < {was[col]}")
                v = was[col]
            out[col] = v
        floors[half] = out
    return floors


if __name__ == "__main__":
    main()
