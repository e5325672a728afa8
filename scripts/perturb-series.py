#!/usr/bin/env python3
"""Copies a folder of NAB-style CSV files (timestamp,value), perturbed the way real metrics are,
to check that detector settings hold up beyond the files they were chosen on:

  drop       three rows in ten removed at random (missed readings)
  jitter     every timestamp moved by up to a minute either way
  irregular  both
  offset     ten times the file's range added to every value
  integer    values rounded to 50 levels over the file's range (a coarse gauge)

Labels stay valid: NAB windows are time ranges. Deterministic for a given --seed.

  scripts/perturb-series.py drop ../shared/data/nab/data /tmp/nab-drop
  engine backtest --data /tmp/nab-drop --labels ../shared/data/nab/labels/combined_windows.json --out /tmp/bt
"""
import argparse
import csv
import datetime
import os
import random

KINDS = ("drop", "jitter", "irregular", "offset", "integer")


def perturb(rows, kind, rng):
    values = [v for _, v in rows]
    low, span = min(values), (max(values) - min(values)) or 1.0
    out = []
    for t, v in rows:
        if kind in ("drop", "irregular") and rng.random() < 0.3:
            continue
        if kind in ("jitter", "irregular"):
            t += datetime.timedelta(seconds=rng.randint(-60, 60))
        if kind == "offset":
            v += 10 * span
        if kind == "integer":
            v = float(round((v - low) / span * 50))
        out.append((t, v))
    return sorted(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("source", help="a folder of CSV files, searched recursively")
    parser.add_argument("target", help="where the perturbed copies go, under the same relative paths")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for folder, _, names in sorted(os.walk(args.source)):
        for name in sorted(n for n in names if n.endswith(".csv")):
            path = os.path.join(folder, name)
            with open(path, newline="") as f:
                reader = csv.reader(f)
                header = next(reader)
                if header[:2] != ["timestamp", "value"]:
                    raise SystemExit(f"{path}: expected the columns timestamp,value, found {','.join(header)}")
                rows = []
                for line, (stamp, value, *_) in enumerate(reader, start=2):
                    try:
                        rows.append((datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S"), float(value)))
                    except ValueError as error:
                        raise SystemExit(f"{path}, line {line}: {error}")
            target = os.path.join(args.target, os.path.relpath(path, args.source))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", newline="") as f:
                f.write("timestamp,value\n")
                for t, v in perturb(rows, args.kind, rng):
                    f.write(f"{t:%Y-%m-%d %H:%M:%S},{v!r}\n")


if __name__ == "__main__":
    main()
