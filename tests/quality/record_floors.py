#!/usr/bin/python3
"""Writes floors.json from the figures of a run (eval.mjs --json), so CI keeps
them from getting worse. Run it after a change that improves them:

    node tests/quality/eval.mjs --bin build/src/cli/guidechat --set safety --json /tmp/s.json
    node tests/quality/eval.mjs --bin build/src/cli/guidechat --set quality --json /tmp/q.json
    tests/quality/record_floors.py /tmp/s.json /tmp/q.json

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
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    safety = json.loads(Path(sys.argv[1]).read_text())
    quality = json.loads(Path(sys.argv[2]).read_text())
    path = HERE / "floors.json"
    old = json.loads(path.read_text())
    floors = {"about": old["about"], "safety": {}, "quality": {}}
    worse = []
    for half, f in sorted(safety.items()):
        esc = math.floor(f["escalatedPercent"] * 10) / 10
        fa = math.ceil(f["falseAlarmPercent"] * 10) / 10
        was = old["safety"].get(half, {})
        if esc < was.get("escalated", 0):
            worse.append(f"safety {half} escalated {esc} < {was['escalated']}")
            esc = was["escalated"]
        if fa > was.get("false_alarms", 100):
            worse.append(f"safety {half} false alarms {fa} > {was['false_alarms']}")
            fa = was["false_alarms"]
        floors["safety"][half] = {"escalated": esc, "false_alarms": fa}
    for half, cols in sorted(quality.items()):
        was = old["quality"].get(half, {})
        out = {}
        for col, v in sorted(cols.items()):
            v = math.floor(v * 10) / 10
            if v < was.get(col, 0):
                worse.append(f"quality {half} {col} {v} < {was[col]}")
                v = was[col]
            out[col] = v
        floors["quality"][half] = out
    path.write_text(json.dumps(floors, indent=1) + "\n")
    for w in worse:
        print("worse, kept:", w)


if __name__ == "__main__":
    main()
