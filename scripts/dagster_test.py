#!/usr/bin/env python3
"""The engine under Dagster, for real: generates the code location with `engine dagster-definitions`
for the example batches, loads it with Dagster (from PyPI), checks the schedules against the batches'
crons and default statuses, and executes two jobs in process with Dagster's own API. Each job launches
the engine through Dagster Pipes (PipesSubprocessClient) with the schedule's tick as --as-of; the test
checks the materialization metadata and the asset check that came back, and the run the engine logged
in its own database. Prints "dagster: N passed, M failed" for .ci/run.

    .build/test-venv-dagster/bin/python scripts/dagster_test.py --engine .build/debug/engine
"""
import argparse
import importlib.util
import os
import sqlite3
import subprocess
import sys
import tempfile
import traceback

passed = 0
failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {what}", flush=True)
    else:
        failed += 1
        print(f"FAIL {what}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", required=True)
    parser.add_argument("--metrics", default="metrics")
    args = parser.parse_args()
    engine = os.path.abspath(args.engine)
    work = tempfile.mkdtemp(prefix="engine-dagster-")
    os.environ["ENGINE_DB"] = os.path.join(work, "engine.db")
    os.environ["ENGINE_PLOTS"] = os.path.join(work, "plots")
    os.environ["DAGSTER_HOME"] = work
    module_path = os.path.join(work, "engine_definitions.py")
    subprocess.run([engine, "dagster-definitions", "--metrics", args.metrics, "--engine", engine, "--out", module_path], check=True)
    # The engine runs here: local:// model paths and plots land in the throw-away folder, so no
    # model trained by an earlier run makes training a no-op.
    os.chdir(work)

    import dagster as dg

    spec = importlib.util.spec_from_file_location("engine_definitions", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    defs = module.defs
    check(isinstance(defs, dg.Definitions), "the generated module loads as a Dagster code location")

    schedule = defs.resolve_schedule_def("python_synthetic_ingest_schedule")
    check(schedule.cron_schedule == "*/3 * * * *" and schedule.default_status == dg.DefaultScheduleStatus.RUNNING,
          f"python_synthetic ingest is scheduled */3 and RUNNING, as its batch says ({schedule.cron_schedule}, {schedule.default_status})")
    train = defs.resolve_schedule_def("python_synthetic_train_schedule")
    check(train.execution_timezone == "UTC", "schedules run in UTC")
    jobs = sorted(job.name for job in defs.resolve_all_job_defs() if not job.name.startswith("__"))
    check(jobs == sorted(entry[2] for entry in module.PLAN) and len(jobs) > 0, f"one Dagster job per plan entry ({len(jobs)})")

    instance = dg.DagsterInstance.ephemeral()
    tick = "2026-01-15T12:00:00+00:00"
    for name, asset in [("python_synthetic_ingest", ["anomaly_engine", "python_synthetic", "ingest"]),
                        ("python_synthetic_train", ["anomaly_engine", "python_synthetic", "train"])]:
        result = defs.resolve_job_def(name).execute_in_process(instance=instance, tags={"dagster/scheduled_execution_time": tick})
        check(result.success, f"{name} succeeds under Dagster")
        events = result.get_asset_materialization_events()
        check(len(events) == 1 and events[0].asset_key == dg.AssetKey(asset), f"{name} materializes {'/'.join(asset)}")
        metadata = events[0].materialization.metadata if events else {}
        rows = metadata.get("rows_written")
        check(rows is not None and rows.value > 0, f"{name} reports rows written through Pipes ({rows.value if rows else None})")
        check(metadata.get("batch") is not None and metadata["batch"].value == "python_synthetic", f"{name} reports its batch")
        as_of = metadata.get("as_of")
        check(as_of is not None and abs(as_of.value - 1768478400.0) < 1e-6, f"{name} ran as of the schedule's tick ({as_of.value if as_of else None})")
        checks = {evaluation.check_name: evaluation.passed for evaluation in result.get_asset_check_evaluations()}
        expected = {"runs_succeeded": True, "new_data": True} if name.endswith("_ingest") else {"runs_succeeded": True}
        check(checks == expected, f"{name} reports its checks, passed ({checks})")

    with sqlite3.connect(os.environ["ENGINE_DB"]) as db:
        runs = db.execute("SELECT job, as_of, status FROM job_runs WHERE batch = 'python_synthetic' ORDER BY id").fetchall()
    check(runs == [("ingest", "2026-01-15 12:00:00", "success"), ("train", "2026-01-15 12:00:00", "success")],
          f"the engine logged both runs at the tick in its own store ({runs})")


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc()
        failed += 1
    print(f"dagster: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)
