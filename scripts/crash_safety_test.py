#!/usr/bin/env python3
"""Crash safety of `engine run all`: killed with SIGKILL at a random moment, then run again, the
engine must end in exactly the state of a run that was never interrupted.

Each trial runs the offline example batches (Python and SQL ingest, training, scoring, an alert
and its notifications, charts) into a fresh SQLite file, kills the process after a random delay
(seeded, so a failure can be rerun), sometimes kills the rerun too, then runs it to the end and
compares with a reference run: every metric row, every delivery (its id, target, status and
message), every model and chart file, and SQLite's integrity check. The rerun also meets the dead
process's leases, which it must take over at once rather than skip.

    scripts/crash_safety_test.py --engine .build/debug/engine [--trials 30] [--seed 1]
        [--postgres postgresql://USER@HOST:PORT/DB] [--s3 http://HOST:PORT]

With --postgres each run gets a fresh database on that server (its leases and delivery claims
are PostgreSQL's); with --s3 models go to a fresh prefix of a bucket on that S3-compatible server.

Prints one line per failed trial and `crash-safety: N passed, M failed`; exits 1 on a failure.
"""
import argparse
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

AS_OF = "2026-01-15T12:00:00Z"
BUCKET = "crash-safety"


class Backend:
    """Where a run keeps its state: a SQLite file and model folder in its work folder by default,
    or a fresh PostgreSQL database and S3 prefix per run."""

    def __init__(self, postgres=None, s3=None):
        self.postgres = postgres
        self.s3 = None
        if s3:
            import boto3  # the test services' venv has it (moto's server depends on it)
            self.s3 = s3.rstrip("/")
            self.client = boto3.client("s3", endpoint_url=self.s3, aws_access_key_id="test", aws_secret_access_key="test",
                                       region_name="us-east-1")
            self.client.create_bucket(Bucket=BUCKET)

    def name(self, workdir):
        return "crash_" + os.path.basename(workdir).replace("-", "_")

    def database(self, workdir):
        if not self.postgres:
            return os.path.join(workdir, "engine.db")
        return urllib.parse.urlunparse(urllib.parse.urlparse(self.postgres)._replace(path="/" + self.name(workdir)))

    def prepare(self, workdir):
        if self.postgres:
            self.psql(self.postgres, f"CREATE DATABASE {self.name(workdir)}")
            sqlite3.connect(os.path.join(workdir, "source.db")).close()

    def discard(self, workdir):
        if self.postgres:
            self.psql(self.postgres, f"DROP DATABASE IF EXISTS {self.name(workdir)} WITH (FORCE)")

    def extra_arguments(self, workdir):
        return ["--set", f"model_path=s3://{BUCKET}/{self.name(workdir)}"] if self.s3 else []

    def environment(self, env, workdir):
        if self.postgres:
            # The example batches query SQLite; with the store on PostgreSQL they need a file of their own.
            env["ANOMSTACK_SQLITE_PATH"] = os.path.join(workdir, "source.db")
        if self.s3:
            env.update({"ANOMSTACK_AWS_ACCESS_KEY_ID": "test", "ANOMSTACK_AWS_SECRET_ACCESS_KEY": "test",
                        "ANOMSTACK_S3_ENDPOINT_URL": self.s3})
        return env

    @staticmethod
    def psql(url, sql):
        result = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "\t", "-c", sql],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        return result.stdout.decode()

    def rows(self, workdir, sql):
        if self.postgres:
            return [tuple(line.split("\t")) for line in self.psql(self.database(workdir), sql).splitlines()]
        db = sqlite3.connect(self.database(workdir))
        try:
            return [tuple("" if v is None else str(v) for v in row) for row in db.execute(sql)]
        finally:
            db.close()

    def integrity(self, workdir):
        if self.postgres:
            return "ok"
        return self.rows(workdir, "PRAGMA integrity_check")[0][0]

    def model_files(self, workdir):
        """(relative name, sha256) of every model the run left."""
        if not self.s3:
            return folder_files(workdir, "models")
        prefix = self.name(workdir) + "/"
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            keys += [item["Key"] for item in page.get("Contents", [])]
        files = []
        for key in sorted(keys):
            body = self.client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
            files.append(f"file models/{key[len(prefix):]} {hashlib.sha256(body).hexdigest()}")
        return files


def folder_files(workdir, folder):
    lines = []
    root = os.path.join(workdir, folder)
    for directory, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
            lines.append(f"file {os.path.relpath(path, workdir)} {digest}")
    return lines


BACKEND = Backend()


def command(engine, metrics, workdir):
    return [engine, "run", "all", "--metrics", metrics, "--db", BACKEND.database(workdir), "--as-of", AS_OF, "--seed", "0"] \
        + BACKEND.extra_arguments(workdir)


def environment(workdir):
    env = dict(os.environ)
    env["ENGINE_PLOTS"] = os.path.join(workdir, "plots")
    for name in list(env):
        if name.startswith("ANOMSTACK") or name.startswith("ENGINE_SMTP") or name.startswith("ENGINE_SLACK"):
            del env[name]
    return BACKEND.environment(env, workdir)


def run_to_end(engine, metrics, workdir):
    result = subprocess.run(command(engine, metrics, workdir), cwd=workdir, env=environment(workdir),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return result.returncode, result.stderr.decode(errors="replace")[-2000:]


def kill_after(engine, metrics, workdir, delay):
    process = subprocess.Popen(command(engine, metrics, workdir), cwd=workdir, env=environment(workdir),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.002)
    killed = process.poll() is None
    if killed:
        # The whole session: the engine and a Python ingest it may have started.
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return killed


def state(workdir):
    """Everything a run leaves that must not depend on interruptions, as comparable text."""
    lines = ["integrity " + BACKEND.integrity(workdir)]
    for row in BACKEND.rows(workdir, "SELECT metric_timestamp, metric_batch, metric_name, metric_type, metric_value, metadata "
                                     "FROM metrics ORDER BY metric_timestamp, metric_batch, metric_name, metric_type"):
        lines.append("metric " + repr(row))
    duplicates = BACKEND.rows(workdir, "SELECT COUNT(*) FROM (SELECT 1 FROM metrics GROUP BY metric_timestamp, metric_batch, "
                                       "metric_name, metric_type HAVING COUNT(*) > 1) AS repeated")[0][0]
    lines.append(f"duplicate keys {duplicates}")
    for row in BACKEND.rows(workdir, "SELECT id, batch, metric, alert_type, method, status, target, message, notification "
                                     "FROM deliveries ORDER BY id"):
        lines.append("delivery " + repr(row))
    return lines + BACKEND.model_files(workdir) + folder_files(workdir, "plots")


def difference(expected, actual):
    missing = [line for line in expected if line not in set(actual)]
    extra = [line for line in actual if line not in set(expected)]
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing, first: {missing[0][:200]}")
    if extra:
        parts.append(f"{len(extra)} unexpected, first: {extra[0][:200]}")
    return "; ".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", required=True)
    parser.add_argument("--metrics", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "metrics"))
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="a PostgreSQL server URL: each run gets a database of its own there")
    parser.add_argument("--s3", help="an S3-compatible endpoint URL: models go to a bucket there")
    args = parser.parse_args()
    global BACKEND
    BACKEND = Backend(postgres=args.postgres, s3=args.s3)
    engine = os.path.abspath(args.engine)
    metrics = os.path.abspath(args.metrics)
    scratch = tempfile.mkdtemp(prefix="engine-crash-safety-")
    try:
        reference_dir = os.path.join(scratch, "reference")
        os.makedirs(reference_dir)
        BACKEND.prepare(reference_dir)
        started = time.monotonic()
        status, errors = run_to_end(engine, metrics, reference_dir)
        duration = time.monotonic() - started
        if status != 0:
            print(f"crash-safety: the uninterrupted run failed (exit {status}): {errors}")
            print("crash-safety: 0 passed, 1 failed")
            return 1
        reference = state(reference_dir)
        chooser = random.Random(args.seed)
        passed = failed = killed_mid_run = 0
        for trial in range(args.trials):
            workdir = os.path.join(scratch, f"trial-{trial}")
            os.makedirs(workdir)
            BACKEND.prepare(workdir)
            delays = [chooser.uniform(0, duration * 1.05)]
            if chooser.random() < 0.3:
                delays.append(chooser.uniform(0, duration * 1.05))
            killed = [kill_after(engine, metrics, workdir, delay) for delay in delays]
            killed_mid_run += any(killed)
            status, errors = run_to_end(engine, metrics, workdir)
            problem = f"the rerun exited {status}: {errors}" if status != 0 else difference(reference, state(workdir))
            if problem:
                failed += 1
                delays_text = ", ".join(f"{d:.3f}" for d in delays)
                print(f"crash-safety trial {trial} (killed after {delays_text} s, seed {args.seed}): {problem}")
            else:
                passed += 1
            BACKEND.discard(workdir)
            shutil.rmtree(workdir, ignore_errors=True)
        BACKEND.discard(reference_dir)
        where = ", ".join(part for part in ["PostgreSQL" if args.postgres else "SQLite", "S3 models" if args.s3 else ""] if part)
        counts = {kind: sum(1 for line in reference if line.startswith(kind)) for kind in ("metric ", "delivery ", "file models/", "file plots/")}
        print(f"crash-safety ({where}): {killed_mid_run} of {args.trials} trials killed the engine mid-run; reference run {duration:.2f} s: "
              f"{counts['metric ']} rows, {counts['delivery ']} deliveries, {counts['file models/']} model files, "
              f"{counts['file plots/']} chart files")
        print(f"crash-safety: {passed} passed, {failed} failed")
        return 1 if failed else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
