#!/usr/bin/env python3
"""Writes the scale benchmark's inputs: an SQLite source of hourly points for BATCHES x PER_BATCH
metrics (a daily cycle, a per-metric level and seeded noise, ending at 2026-01-15 13:00 UTC), and a
two metrics folders with one batch per group reading its own metrics from that source:
`metrics-initial` reads 90 hours (the first ingest of a fresh store), `metrics-steady` the last
two (what a batch on an hourly cron reads; rows already stored are left as they are)."""
import argparse
import math
import os
import random
import sqlite3
from datetime import datetime, timedelta, timezone

parser = argparse.ArgumentParser()
parser.add_argument("--out", required=True)
parser.add_argument("--batches", type=int, default=40)
parser.add_argument("--per-batch", type=int, default=250)
parser.add_argument("--hours", type=int, default=100)
args = parser.parse_args()

end = datetime(2026, 1, 15, 13, tzinfo=timezone.utc)
os.makedirs(args.out, exist_ok=True)
source = os.path.join(args.out, "source.db")
db = sqlite3.connect(source)
db.execute("CREATE TABLE src (batch TEXT, metric_timestamp TEXT, metric_name TEXT, metric_value REAL)")
rng = random.Random(7)
rows = []
for b in range(args.batches):
    for m in range(args.per_batch):
        level = rng.uniform(10, 1000)
        for h in range(args.hours):
            t = end - timedelta(hours=args.hours - 1 - h)
            value = level * (1 + 0.2 * math.sin(2 * math.pi * t.hour / 24)) + rng.gauss(0, level * 0.02)
            rows.append((f"scale_{b:02d}", t.strftime("%Y-%m-%d %H:%M:%S"), f"m_{m:04d}", round(value, 3)))
db.executemany("INSERT INTO src VALUES (?, ?, ?, ?)", rows)
db.execute("CREATE INDEX src_by_batch ON src (batch, metric_timestamp)")
db.commit()
db.close()

for kind, window in [("initial", "90h"), ("steady", "2h")]:
    for b in range(args.batches):
        folder = os.path.join(args.out, f"metrics-{kind}", f"scale_{b:02d}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "batch.yaml"), "w") as f:
            f.write(f"""metric_batch: scale_{b:02d}
db: sqlite
sqlite_path: {source}
train_max_n: 90
score_max_n: 3
ingest_sql: >
  SELECT metric_timestamp, metric_name, metric_value FROM src
  WHERE batch = 'scale_{b:02d}' AND metric_timestamp <= {{{{ now_sql }}}}
    AND {{{{ 'metric_timestamp'|since:'{window}' }}}}
""")
print(f"{len(rows)} rows for {args.batches * args.per_batch} metrics in {source}")
