"""OpenFisca's side of bench_proactive.py, run by OpenFisca's own python (its environment, never govcx's):
read the register's Parquet, build the simulation with the vectorised builder (arrays, not per-person dicts),
compute basic_income, housing_allowance and parenting_allowance for one month, write them to Parquet.
Prints a JSON line: seconds per step and peak memory."""

import json
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_country_template import CountryTaxBenefitSystem


def peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(persons_file: str, households_file: str, period: str, out_dir: str) -> None:
    system = CountryTaxBenefitSystem()
    pa.set_cpu_count(1)  # as govcx's side: reading without thread contention on the shared cores
    pa.set_io_thread_count(1)
    start, cpu = time.perf_counter(), time.process_time()
    # the columns the country template reads, as govcx's side reads only its pack's
    persons = pq.ParquetFile(persons_file).read(["person_id", "household_id", "household_role", "birth", "salary"])
    households = pq.ParquetFile(households_file).read(["household_id", "rent"])
    read = time.perf_counter()
    builder = SimulationBuilder()
    builder.create_entities(system)
    person_ids = persons["person_id"].to_numpy()
    household_ids = households["household_id"].to_numpy()
    builder.declare_person_entity("person", person_ids)
    household = builder.declare_entity("household", household_ids)
    roles = np.where(persons["household_role"].to_numpy(zero_copy_only=False) == "adult", "adult", "child")
    builder.join_with_persons(household, persons["household_id"].to_numpy(), roles)
    simulation = builder.build(system)
    simulation.set_input("birth", period, persons["birth"].to_numpy().astype("datetime64[D]"))
    simulation.set_input("salary", period, persons["salary"].to_numpy())
    simulation.set_input("rent", period, households["rent"].to_numpy())
    built = time.perf_counter()
    results = {name: simulation.calculate(name, period) for name in
               ("basic_income", "housing_allowance", "parenting_allowance")}
    computed = time.perf_counter()
    pq.write_table(pa.table({"person_id": person_ids, "basic_income": results["basic_income"]}),
                   f"{out_dir}/openfisca_persons.parquet")
    pq.write_table(pa.table({"household_id": household_ids, "housing_allowance": results["housing_allowance"],
                             "parenting_allowance": results["parenting_allowance"]}),
                   f"{out_dir}/openfisca_households.parquet")
    written = time.perf_counter()
    print(json.dumps({"read": read - start, "build": built - read, "compute": computed - built,
                      "write": written - computed, "total": written - start, "cpu": time.process_time() - cpu,
                      "peak_mb": peak_mb()}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
