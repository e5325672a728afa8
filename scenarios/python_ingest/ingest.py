# An ingest function as Anomstack users write them: no arguments, the time read from the clock,
# random noise; each run returns the last six hourly points. In replay the engine pins the clock
# to the replay's time and seeds random.
import math
import random
from datetime import datetime, timedelta, timezone

INCIDENT = (datetime(2026, 1, 9, 3, tzinfo=timezone.utc), datetime(2026, 1, 9, 6, tzinfo=timezone.utc))


def ingest():
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    rows = []
    for back in range(5, -1, -1):
        at = now - timedelta(hours=back)
        queue = 40 + 15 * math.sin(2 * math.pi * at.hour / 24) + random.gauss(0, 2)
        if INCIDENT[0] <= at < INCIDENT[1]:
            queue += 120  # a stuck consumer: the queue backs up for three hours
        workers = 8 + random.choice([0, 0, 0, 1, -1])
        stamp = at.strftime("%Y-%m-%d %H:%M:%S")
        rows.append({"metric_timestamp": stamp, "metric_name": "queue_depth", "metric_value": round(queue, 2)})
        rows.append({"metric_timestamp": stamp, "metric_name": "workers", "metric_value": workers})
    return rows
