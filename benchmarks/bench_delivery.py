"""Service-delivery analytics against PM4Py 2.7 (pandas API) on 1M and 10M events, and XES import speed.

The shared public logs (receipt, BPIC 2015 municipality 1, road traffic fines) are replicated, each copy with its
own case ids, into one Parquet file in the canonical layout (`case`, `activity`, `timestamp`, `ts_us`,
`event_index`) until it holds N events. Both sides then start from that same file, each in its own process so
its peak memory (ru_maxrss) is its own:

- govcx: Ibis over DuckDB reading the Parquet file in place (memory limit 700 MB, spilling beyond it);
- PM4Py: `pd.read_parquet` + `pm4py.format_dataframe`, then the pandas API.

Figures computed by both: variants, case durations, the performance DFG (counts and mean times), rework and
deadline compliance (share of cases closed within 30 calendar days). XES import: a generated XES file read by
govcx (rustxes on pieces of the file in forked processes, one per core) and by PM4Py's iterparse importer, events
per second; `cpu_seconds` of the reading (this process and its children) is the figure a loaded machine
does not distort.

    uv run python benchmarks/bench_delivery.py [--events 1000000 10000000] [--no-peer] [--xes-events 500000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
DEADLINE_SECONDS = 30 * 86400
SOURCES = (
    ("08_receipt.xes.gz", None),
    ("bpic2015_municipality1_building_permits.parquet", ("case_id", "activity", "timestamp")),
    ("road_traffic_fines_sample.parquet", ("case_id", "activity", "timestamp")),
)


def eventlogs_dir() -> Path:
    candidates = [Path(os.environ["GOVCX_SHARED_DATA"]) / "eventlogs"] if os.environ.get("GOVCX_SHARED_DATA") else []
    candidates += [parent / "shared" / "data" / "eventlogs" for parent in REPO.parents]
    for path in candidates:
        if path.is_dir():
            return path
    sys.exit("the shared event logs are absent (../shared/data/eventlogs or GOVCX_SHARED_DATA)")


def build_log(events: int, target: Path) -> None:
    """The shared logs replicated into `target` until it holds `events` events, written in 1M-row groups."""
    from govcx.delivery import eventlog

    base = []
    for name, columns in SOURCES:
        mapping = eventlog.ColumnMapping(*columns) if columns else None
        table = eventlog.read_event_log(eventlogs_dir() / name, mapping).events
        base.append(table.select(["case", "activity", "timestamp", "ts_us"]).append_column(
            "source", pa.array([name.split(".")[0][:12]] * table.num_rows)))
    one = pa.concat_tables(base)
    schema = pa.schema([("case", pa.string()), ("activity", pa.string()), ("timestamp", eventlog.TIMESTAMP_TYPE),
                        ("ts_us", pa.int64()), ("event_index", pa.int64())])
    written = copy = 0
    with pq.ParquetWriter(target, schema) as writer:
        while written < events:
            take = min(one.num_rows, events - written)
            part = one.slice(0, take)
            case = pc.binary_join_element_wise(part["source"], part["case"], pa.scalar(f"#{copy}"), ":")
            batch = pa.table([case, part["activity"], part["timestamp"], part["ts_us"],
                              pa.array(range(written, written + take), pa.int64())], schema=schema)
            writer.write_table(batch, row_group_size=1_000_000)
            written += take
            copy += 1


def load() -> str:
    """The load average (1, 5 and 15 minutes): figures taken on a shared machine say what else was running."""
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its finished children."""
    return sum(usage.ru_utime + usage.ru_stime for usage in (resource.getrusage(resource.RUSAGE_SELF),
                                                              resource.getrusage(resource.RUSAGE_CHILDREN)))


def run_govcx(path: str) -> dict[str, float]:
    import ibis

    from govcx.delivery import mining

    ibis.memtable({"warm": [1]}).to_pyarrow()  # loads the result converters (and pandas) before the clock starts
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    con = ibis.duckdb.connect(memory_limit="700MB", temp_directory=tempfile.mkdtemp(prefix="govcx-bench-"))
    prepared = mining.prepare(con.read_parquet(path))
    variants = mining.variants(prepared).to_pyarrow()
    durations = mining.duration_summary_expr(prepared).to_pyarrow()
    dfg = mining.directly_follows(prepared).to_pyarrow()
    rework = mining.rework_cases(prepared).to_pyarrow()
    spans = mining.case_durations(prepared)
    on_time = spans.aggregate(share=(spans.duration_seconds <= DEADLINE_SECONDS).mean()).to_pyarrow()
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "cpu_seconds": cpu_seconds() - cpu_before, "variants": variants.num_rows,
            "arcs": dfg.num_rows, "rework": rework.num_rows,
            "mean_duration": durations["mean"][0].as_py(), "on_time": on_time["share"][0].as_py()}


def run_pm4py(path: str) -> dict[str, float]:
    """PM4Py's side; each step, when done, is written to stderr (`step NAME SECONDS`), so a run that cannot
    finish (memory, a kill) still says how far it got."""
    import pandas as pd
    import pm4py

    cpu_before = cpu_seconds()
    started = time.perf_counter()

    def done(step: str) -> None:
        print(f"step {step} {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)

    frame = pd.read_parquet(path, columns=["case", "activity", "timestamp"])
    done("read_parquet")
    frame = pm4py.format_dataframe(frame, case_id="case", activity_key="activity", timestamp_key="timestamp")
    done("format_dataframe")
    variants = pm4py.get_variants(frame)
    done("variants")
    durations = pm4py.get_all_case_durations(frame)
    done("case_durations")
    performance, _, _ = pm4py.discover_performance_dfg(frame)
    done("performance_dfg")
    rework = pm4py.get_rework_cases_per_activity(frame)
    done("rework")
    on_time = sum(1 for d in durations if d <= DEADLINE_SECONDS) / len(durations)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "cpu_seconds": cpu_seconds() - cpu_before, "variants": len(variants),
            "arcs": len(performance), "rework": len(rework),
            "mean_duration": sum(durations) / len(durations), "on_time": on_time}


def write_xes(events: int, target: Path) -> None:
    """A plain XES file of `events` events (10 per trace, offsets in the timestamps)."""
    with open(target, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n')
        for trace in range(events // 10):
            out.write(f'<trace><string key="concept:name" value="c{trace}"/>\n')
            for step in range(10):
                minute = (trace + step * 7) % 60
                out.write(f'<event><string key="concept:name" value="activity {step % 6}"/>'
                          f'<string key="org:resource" value="r{trace % 50}"/>'
                          f'<date key="time:timestamp" value="2024-01-{1 + step:02d}T10:{minute:02d}:00.000+03:00"/>'
                          f'<string key="lifecycle:transition" value="complete"/></event>\n')
            out.write("</trace>\n")
        out.write("</log>\n")


def forkserver_cpu_seconds() -> float:
    """CPU time of multiprocessing's fork server and of its finished children (the XES workers are its
    children, not this process's, so RUSAGE_CHILDREN misses them): /proc/PID/stat utime, stime, cutime,
    cstime."""
    import multiprocessing.forkserver

    pid = multiprocessing.forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _nothing() -> None:
    pass


def run_xes_govcx(path: str) -> dict[str, float]:
    """Reading (rustxes workers, then the canonical layout) and, separately timed, the rest of an import: event
    keys and the new part in the store (what `eventlog_import` does besides its database record). The parser
    library is imported and the fork server started before the clock (both once per process: a worker process
    that imports many files pays them once); their time is printed as `server_start_seconds`. Two reads; the
    figures are the second's, the first's wall time is `first_seconds`."""
    import rustxes  # noqa: F401 - the parser library is loaded once per process (0.6 s of Polars), not per file

    from govcx.delivery import eventlog, store, xes_chunks

    started = time.perf_counter()
    xes_chunks.start_server()
    probe = xes_chunks._context().Process(target=_nothing)  # waits for the server to have imported the parser
    probe.start()
    probe.join()
    server_start = time.perf_counter() - started
    first = time.perf_counter()
    eventlog.read_event_log(path)
    first = time.perf_counter() - first
    cpu_before = cpu_seconds() + forkserver_cpu_seconds()
    started = time.perf_counter()
    log = eventlog.read_event_log(path)
    read = time.perf_counter() - started
    cpu_read = cpu_seconds() + forkserver_cpu_seconds() - cpu_before
    with tempfile.TemporaryDirectory(prefix="govcx-bench-store-") as root:
        added, _ = store.append_new(root, 1, store.with_keys(log.events))
    return {"seconds": read, "events": log.event_count, "import_seconds": time.perf_counter() - started,
            "import_cpu_seconds": cpu_seconds() + forkserver_cpu_seconds() - cpu_before,
            "stored": added, "workers": xes_chunks.default_workers(), "cpu_seconds": cpu_read,
            "cpu_seconds_per_million": cpu_read / log.event_count * 1e6, "first_seconds": first,
            "server_start_seconds": server_start}


def run_xes_pm4py(path: str) -> dict[str, float]:
    import pm4py

    cpu_before = cpu_seconds()
    started = time.perf_counter()
    frame = pm4py.read_xes(path, variant="iterparse", return_legacy_log_object=False)
    cpu = cpu_seconds() - cpu_before
    return {"seconds": time.perf_counter() - started, "events": len(frame), "cpu_seconds": cpu,
            "cpu_seconds_per_million": cpu / len(frame) * 1e6}


SIDES = {"govcx": run_govcx, "pm4py": run_pm4py, "xes-govcx": run_xes_govcx, "xes-pm4py": run_xes_pm4py}


def in_child(side: str, path: Path, memory_gb: float | None = None) -> dict[str, float]:
    """`side` in a process of its own (niced by the caller's niceness); its figures, or why it failed and the
    last step it finished. `memory_gb` caps its address space (RLIMIT_AS), so a side that needs more fails with
    MemoryError instead of pushing the machine into swap or the OOM killer."""
    def limit() -> None:
        if memory_gb:
            cap = int(memory_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--side", side, str(path)], capture_output=True, text=True,
                          check=False, preexec_fn=limit)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        steps = [line for line in lines if line.startswith("step ")]
        reason = lines[-1] if lines else ""
        if done.returncode < 0:
            reason = f"killed by signal {-done.returncode} {reason}".strip()
        return {"error": reason or f"exit status {done.returncode}",  # type: ignore[dict-item]
                "last_step": steps[-1] if steps else "none",
                "seconds_until_failure": time.perf_counter() - started}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--no-peer", action="store_true", help="skip PM4Py")
    parser.add_argument("--peer-max", type=int, default=10_000_000, help="largest log PM4Py is run on")
    parser.add_argument("--peer-memory-gb", type=float, default=16.0,
                        help="address-space cap of PM4Py's process (it fails with MemoryError above it)")
    parser.add_argument("--xes-events", type=int, default=500_000)
    parser.add_argument("--xes-peer-events", type=int, default=100_000)
    parser.add_argument("--side", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        figures = SIDES[args.side](args.path)
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory(prefix="govcx-delivery-bench-") as folder:
        for events in args.events:
            path = Path(folder) / f"events-{events}.parquet"
            started = time.perf_counter()
            build_log(events, path)
            print(f"\n{events:,} events: log built in {time.perf_counter() - started:.1f} s "
                  f"({path.stat().st_size / 2**20:.0f} MB Parquet); {load()}", flush=True)
            ours = in_child("govcx", path)
            print(f"  govcx (Ibis + DuckDB): {json.dumps(ours)}; {load()}", flush=True)
            if not args.no_peer and events <= args.peer_max:
                theirs = in_child("pm4py", path, args.peer_memory_gb)
                print(f"  PM4Py 2.7 (pandas):    {json.dumps(theirs)}; {load()}", flush=True)
                if "seconds" in ours and "seconds" in theirs:
                    same = all(ours[k] == theirs[k] for k in ("variants", "arcs", "rework"))
                    print(f"  speed-up: {theirs['seconds'] / ours['seconds']:.1f}x, CPU "
                          f"{theirs['cpu_seconds'] / ours['cpu_seconds']:.1f}x (same figures: {same})")
            path.unlink()
        if args.xes_events:
            xes = Path(folder) / "events.xes"
            write_xes(args.xes_events, xes)
            packed = Path(folder) / "events.xes.gz"
            with open(xes, "rb") as plain, gzip.open(packed, "wb", compresslevel=6) as out:
                shutil.copyfileobj(plain, out, 8 << 20)
            for source in (xes, packed):
                ours = in_child("xes-govcx", source)
                print(f"\nXES import, {args.xes_events:,} events, {source.name} "
                      f"({source.stat().st_size / 2**20:.0f} MB): govcx reads "
                      f"{ours.get('events', 0) / ours.get('seconds', 1):,.0f} events/s "
                      f"({ours.get('cpu_seconds_per_million', 0):.2f} CPU s per million events), reads and stores "
                      f"{ours.get('events', 0) / ours.get('import_seconds', 1):,.0f} events/s {json.dumps(ours)}; "
                      f"{load()}", flush=True)
            if not args.no_peer:
                small = Path(folder) / "events-peer.xes"
                write_xes(args.xes_peer_events, small)
                theirs = in_child("xes-pm4py", small)
                print(f"XES import, {args.xes_peer_events:,} events: PM4Py iterparse "
                      f"{theirs.get('events', 0) / theirs.get('seconds', 1):,.0f} events/s {json.dumps(theirs)}; "
                      f"{load()}")

if __name__ == "__main__":
    main()
