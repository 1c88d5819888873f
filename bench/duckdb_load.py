#!/usr/bin/env python3
"""Baseline for bench/national_import.sh: load a 47022NED coded CSV into a persistent DuckDB file.

Prints one JSON object on stdout: rows, seconds, rows_per_s, peak RSS and database file size.
Needs `pip install duckdb`.

Timing covers connect, CREATE TABLE ... AS SELECT ... FROM read_csv(...), CHECKPOINT and close, so
the database is fully on disk when the clock stops. Peak RSS is ru_maxrss of this Python process,
so it includes the interpreter and the DuckDB library (rss_before_load_mib shows that baseline).
"""

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time

COLUMNS = (
    "{'SoortMisdrijf': 'VARCHAR', 'WijkenEnBuurten': 'VARCHAR', "
    "'Perioden': 'VARCHAR', 'GeregistreerdeMisdrijven_1': 'BIGINT'}"
)


def peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes; this benchmark targets Linux).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="coded CSV written by buurtbeeld-gen")
    parser.add_argument(
        "--workdir",
        help="directory for the DuckDB file (default: a new temp dir next to the CSV, removed after)",
    )
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: DuckDB's own)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and database")
    args = parser.parse_args()

    try:
        import duckdb
    except ImportError:
        print("duckdb_load.py: Python package duckdb missing; run `pip install duckdb`", file=sys.stderr)
        return 2

    csv_path = os.path.abspath(args.csv)
    if not os.path.isfile(csv_path):
        print(f"duckdb_load.py: no such file: {csv_path}", file=sys.stderr)
        return 2

    own_dir = args.workdir is None
    workdir = args.workdir or tempfile.mkdtemp(prefix="duckdb.", dir=os.path.dirname(csv_path))
    os.makedirs(workdir, exist_ok=True)
    db_path = os.path.join(workdir, "bench.duckdb")
    for stale in (db_path, db_path + ".wal"):
        if os.path.exists(stale):
            os.remove(stale)

    rss_before = peak_rss_mib()
    start = time.perf_counter()
    con = duckdb.connect(db_path)
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute(
        f"""
        CREATE TABLE t AS
        SELECT * FROM read_csv(
            {sql_string(csv_path)},
            delim = ';',
            header = true,
            quote = '',
            escape = '',
            columns = {COLUMNS},
            auto_detect = false
        )
        """
    )
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.execute("CHECKPOINT")
    con.close()
    seconds = time.perf_counter() - start

    db_bytes = os.path.getsize(db_path)
    if os.path.exists(db_path + ".wal"):
        db_bytes += os.path.getsize(db_path + ".wal")

    result = {
        "tool": "duckdb",
        "duckdb_version": duckdb.__version__,
        "threads": threads,
        "csv": csv_path,
        "csv_bytes": os.path.getsize(csv_path),
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds) if seconds > 0 else None,
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "rss_before_load_mib": round(rss_before, 1),
        "db_path": db_path,
        "db_bytes": db_bytes,
    }
    print(json.dumps(result))

    if own_dir and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
