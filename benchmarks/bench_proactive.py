"""Benchmark: proactive rules over a synthetic register, side by side with OpenFisca.

Both read the same register in Parquet, compute basic_income, housing_allowance and parenting_allowance for one
month with the country template's rules, and write the results: govcx through its register engine (numpy over
the Arrow columns, `rules.register.simulation_from_tables`, the named conditions computed too, as reasons) and
OpenFisca (openfisca-core and the country template, its vectorised builder with array inputs) in its own
environment (tests/proactive/openfisca_env.py). The results are compared in the same run. Neither side's clock
counts building its rules (the pack, the tax-benefit system). Then the Russian packs' throughput on the same register.

Run:  uv run python benchmarks/bench_proactive.py [--persons 1000000 10000000] [--no-openfisca]
Each side runs in its own process, so each peak memory (VmHWM) is its own.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "tests" / "proactive" / "country_template"
PERIOD = "2016-06"
BENEFITS = ["basic_income", "housing_allowance", "parenting_allowance"]


def peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def write_register(persons: int, directory: Path) -> tuple[Path, Path]:
    import pyarrow.parquet as pq

    from govcx.proactive.synthetic import register

    people, households = register(int(persons / 2.2), seed=14, as_of="2016-06-01")
    pq.write_table(people, directory / "persons.parquet")
    pq.write_table(households, directory / "households.parquet")
    return directory / "persons.parquet", directory / "households.parquet"


SLICE_PERSONS = 262_144  # read a batch at a time, whole households: the memory of one slice whatever the size


def text_columns(file: str, wanted: list[str]) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(file)
    return [f.name for f in schema if f.name in wanted and f.name not in ("person_id", "household_id")
            and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))]


def _evaluate(pack, period, names: list[str], persons_file: str, households_file: str, stem: str,
              extra_persons=None, extra_households=None) -> None:
    """Read the columns the pack needs a batch of whole households at a time (Parquet row groups, never the whole
    register), compute the benefits and their named conditions (the reasons), and write each slice's results to
    Parquet as it comes; each slice is freed before the next is read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from govcx.proactive.rules.register import (
        household_slices,
        numpy_to_arrow,
        register_columns,
        simulation_from_tables,
    )

    wanted = register_columns(pack, list(pack.variables), computing=names)
    # text columns (roles, regions, statuses) come as their dictionary codes, never one string per row
    persons_source = pq.ParquetFile(persons_file, read_dictionary=text_columns(persons_file, wanted))
    households_source = pq.ParquetFile(households_file, read_dictionary=text_columns(households_file, wanted))
    person_columns = [c for c in persons_source.schema_arrow.names if c in wanted]
    household_columns = [c for c in households_source.schema_arrow.names if c in wanted or c == "household_id"]
    person_names = [n for n in names if pack.variables[n].entity == "person"]
    group_names = [n for n in names if pack.variables[n].entity == "household"]
    writers: dict[str, pq.ParquetWriter] = {}

    def write(side: str, table) -> None:
        if side not in writers:  # results are not repetitive: dictionary encoding would only cost time
            writers[side] = pq.ParquetWriter(f"{stem}_{side}.parquet", table.schema, use_dictionary=False)
        writers[side].write_table(table)

    for persons_part, households_part, members, starts in household_slices(
            persons_source, households_source, person_columns=person_columns, household_columns=household_columns,
            persons_per_slice=SLICE_PERSONS):
        if extra_persons is not None:
            persons_part, households_part = extra_persons(persons_part), extra_households(households_part)
        simulation = simulation_from_tables(pack, persons_part, {"household": households_part}, period,
                                            membership={"household": members}, group_starts={"household": starts})
        if person_names:
            write("persons", pa.table({"person_id": persons_part["person_id"], **{
                n: numpy_to_arrow(simulation.calculate(n, period)) for n in person_names}}))
        if group_names:
            write("households", pa.table({"household_id": households_part["household_id"], **{
                n: numpy_to_arrow(simulation.calculate(n, period)) for n in group_names}}))
        del simulation, persons_part, households_part, members, starts
    for writer in writers.values():
        writer.close()


def govcx_side(persons_file: str, households_file: str, out_dir: str, packs: str) -> None:
    """Child process: the register engine end to end (numpy over the Arrow columns, nothing to open or compile
    first), printing a JSON line of timings."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute  # noqa: F401  (imported before the clock, as OpenFisca's side imports its own)
    import pyarrow.parquet  # noqa: F401

    from govcx.proactive.rules.catalogue import load_pack, shipped_pack_files
    from govcx.proactive.rules.periods import parse_period
    from govcx.proactive.rules.register import numpy_to_arrow

    pa.set_cpu_count(1)  # two cores shared with OpenFisca's side and the rest of the machine: no thread contention
    pa.set_io_thread_count(1)
    template = load_pack(TEMPLATE)  # as OpenFisca's side builds its tax-benefit system before its clock starts
    start, cpu = time.perf_counter(), time.process_time()
    timings: dict[str, float] = {}
    if packs == "template":
        period = parse_period(PERIOD)
        names = [*BENEFITS, *{c for b in BENEFITS for c in template.conditions_of(b, period.start)}]
        # ParquetFile, not read_table, on both sides: read_table's first call imports pyarrow.dataset and pandas,
        # seconds inside the timing that belong to neither engine
        _evaluate(template, period, names, persons_file, households_file, f"{out_dir}/govcx")
    else:
        period = parse_period("2025-03")

        def with_person_flags(table):
            table = table.append_column("citizen", numpy_to_arrow(np.ones(table.num_rows, dtype=bool)))
            return table.append_column("receives_insurance_pension",
                                       numpy_to_arrow(np.zeros(table.num_rows, dtype=bool)))

        def with_household_flags(table):
            return table.append_column("maternity_capital_granted",
                                       numpy_to_arrow(np.zeros(table.num_rows, dtype=bool)))

        for file in shipped_pack_files():
            pack = load_pack(file)
            began = time.perf_counter()
            names = [*pack.benefits, *{c for b in pack.benefits for c in pack.conditions_of(b, period.start)}]
            _evaluate(pack, period, names, persons_file, households_file, f"{out_dir}/{pack.name}",
                      with_person_flags, with_household_flags)
            timings[pack.name] = time.perf_counter() - began
    print(json.dumps({"total": time.perf_counter() - start, "cpu": time.process_time() - cpu, "peak_mb": peak_mb(),
                      "packs": timings}))


def run_child(args: list[str], python: str = sys.executable) -> dict:
    done = subprocess.run([python, *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(out: Path) -> float:
    import numpy as np
    import pyarrow.parquet as pq

    worst = 0.0
    for side in ("persons", "households"):
        key = "person_id" if side == "persons" else "household_id"
        ours = pq.read_table(out / f"govcx_{side}.parquet").to_pandas().sort_values(key).reset_index(drop=True)
        theirs = pq.read_table(out / f"openfisca_{side}.parquet").to_pandas().sort_values(key).reset_index(drop=True)
        assert (ours[key].to_numpy() == theirs[key].to_numpy()).all(), f"{side}: different ids"
        for column in theirs.columns:
            if column != key:
                worst = max(worst, float(np.abs(ours[column].to_numpy(float) - theirs[column].to_numpy(float)).max()))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=float, nargs="+", default=[1e6, 1e7])
    parser.add_argument("--no-openfisca", action="store_true")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        govcx_side(*options.child)
        return
    python = None
    if not options.no_openfisca:
        env_script = ROOT / "tests" / "proactive" / "openfisca_env.py"
        spec = importlib.util.spec_from_file_location("openfisca_env", env_script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        python, reason = module.openfisca_python()
        if python is None:
            print(f"OpenFisca side skipped: {reason}")
        else:
            subprocess.run(["uv", "pip", "install", "-q", "--python", str(python), "pyarrow"], check=True)
    for persons in options.persons:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            persons_file, households_file = write_register(int(persons), directory)
            ours = run_child([__file__, "--child", str(persons_file), str(households_file), tmp, "template"])
            print(f"{int(persons):>10,} persons  govcx (numpy, with reasons): {ours['total']:.2f} s "
                  f"(CPU {ours['cpu']:.2f} s), peak {ours['peak_mb']:.0f} MB")
            if python is not None:
                theirs = run_child([str(ROOT / "benchmarks" / "openfisca_side.py"), str(persons_file),
                                    str(households_file), PERIOD, tmp], python=str(python))
                print(f"{'':>10}          OpenFisca (vectorised builder): {theirs['total']:.2f} s "
                      f"(CPU {theirs['cpu']:.2f} s), peak {theirs['peak_mb']:.0f} MB  (read {theirs['read']:.2f}, "
                      f"build {theirs['build']:.2f}, "
                      f"compute {theirs['compute']:.2f}, write {theirs['write']:.2f})")
                print(f"{'':>10}          speed-up {theirs['total'] / ours['total']:.1f}x (CPU "
                      f"{theirs['cpu'] / ours['cpu']:.1f}x); largest difference "
                      f"{compare(directory):.4f}")
            russian = run_child([__file__, "--child", str(persons_file), str(households_file), tmp, "russian"])
            rates = ", ".join(f"{name} {persons / seconds / 1e6:.1f} M persons/s"
                              for name, seconds in russian["packs"].items())
            print(f"{'':>10}          Russian packs: {rates}; peak {russian['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
