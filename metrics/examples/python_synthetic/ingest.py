def ingest():
    """Two weeks of hourly points up to the engine's `now`; the anomalous metric jumps in its last four hours."""
    import datetime
    import math
    import random

    epoch = datetime.datetime(1970, 1, 1)
    now = datetime.datetime.strptime("{{ now }}", "%Y-%m-%d %H:%M:%S")
    end = now.replace(minute=0, second=0)
    records = []
    for hours_ago in range(14 * 24, -1, -1):
        timestamp = end - datetime.timedelta(hours=hours_ago)
        hour_index = int((timestamp - epoch).total_seconds()) // 3600
        rng = random.Random(hour_index)
        cycle = 50 + 10 * math.sin(2 * math.pi * (hour_index % 24) / 24)
        clean = cycle + rng.gauss(0, 1)
        anomalous = cycle + rng.gauss(0, 1) + (50 if hours_ago < 4 else 0)
        text = timestamp.strftime("%Y-%m-%d %H:%M:%S")
        records.append({"metric_timestamp": text, "metric_name": "synthetic_clean", "metric_value": clean})
        records.append({"metric_timestamp": text, "metric_name": "synthetic_anomalous", "metric_value": anomalous})
    return records
