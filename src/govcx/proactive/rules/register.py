"""A register (one row per person, one per household) as the numpy simulation's input, under the same snapshot
reading as the Ibis engine: each input column holds for every month of the period's year.

`simulation_from_tables` is the whole-register path of runs and the benchmark: Arrow columns become numpy arrays
without a Python object per person (ids stay as they are; membership is one `index_in`), so a register of ten
million persons is computed in the simulation's vectorised numpy with nothing to open or compile first.
`simulation_for_register` takes plain columns (lists) and checks the engines against each other.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from govcx.proactive.rules.expressions import variables_used
from govcx.proactive.rules.pack import Pack
from govcx.proactive.rules.periods import ETERNITY, Period
from govcx.proactive.rules.simulation import EvaluationError, Simulation, Situation, to_array

Columns = Mapping[str, Sequence[Any] | np.ndarray]


def simulation_for_register(pack: Pack, persons: Columns, groups: Mapping[str, Columns], period: Period) -> Simulation:
    person_ids = [str(v) for v in persons["person_id"]]
    group_ids: dict[str, list[str]] = {}
    membership: dict[str, np.ndarray] = {}
    roles: dict[str, np.ndarray] = {}
    for group in pack.groups:
        table = groups.get(group.key) or {}
        ids = [str(v) for v in table.get(f"{group.key}_id", sorted({str(v) for v in persons[f"{group.key}_id"]}))]
        position = {gid: i for i, gid in enumerate(ids)}
        group_ids[group.key] = ids
        membership[group.key] = np.array([position[str(v)] for v in persons[f"{group.key}_id"]], dtype=np.int64)
        roles[group.key] = np.asarray(persons[f"{group.key}_role"], dtype=object)
    simulation = Simulation(pack, Situation(person_ids, group_ids, membership, roles))
    months = period.this_year.months if period.unit != "eternity" else []
    for table, entity_key in [(persons, pack.person.key), *((groups.get(g.key) or {}, g.key) for g in pack.groups)]:
        for name, values in table.items():
            variable = pack.variables.get(name)
            if variable is None or variable.entity != entity_key:
                continue
            array = list(values)
            if variable.period == "eternity":
                simulation.set_input(name, ETERNITY, array)
            elif variable.period == "year":
                simulation.set_input(name, period.this_year, array)
            else:
                for month in {*months, period} if period.unit == "month" else months:
                    simulation.set_input(name, month, array)
    return simulation


NUMPY_TYPES = {pa.float64(): np.float64, pa.float32(): np.float32, pa.int64(): np.int64, pa.int32(): np.int32,
               pa.int16(): np.int16, pa.int8(): np.int8, pa.date32(): np.int32}


def arrow_to_numpy(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A column as numpy straight from its buffers (pyarrow's own to_numpy imports pandas, seconds at first use):
    numbers and dates without a copy where they can, booleans unpacked, text through its dictionary (one Python
    string per distinct value, not per row)."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if array.null_count:
        array = pc.fill_null(array, False if pa.types.is_boolean(array.type) else
                             "" if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) else 0)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        encoded = pc.dictionary_encode(array)
        words = np.array(encoded.dictionary.to_pylist(), dtype=object)
        decoded: np.ndarray = words[arrow_to_numpy(encoded.indices)]
        return decoded
    if pa.types.is_boolean(array.type):
        bits = np.frombuffer(array.buffers()[1], dtype=np.uint8)
        return np.unpackbits(bits, bitorder="little")[array.offset:array.offset + len(array)].astype(bool)
    if array.type == pa.date64() or pa.types.is_timestamp(array.type):
        array = pc.cast(array, pa.date32())
    dtype = NUMPY_TYPES.get(array.type)
    if dtype is None:
        raise EvaluationError(f"a register column of type {array.type} cannot be read")
    values = np.frombuffer(array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * np.dtype(dtype)
                           .itemsize)
    return values.astype("datetime64[D]") if array.type == pa.date32() else values


def numpy_to_arrow(values: np.ndarray) -> pa.Array:
    """A result column to Arrow without a copy (numbers) or with its bits packed (booleans), never through
    pyarrow's conversion, which imports pandas."""
    values = np.ascontiguousarray(values)
    if values.dtype == np.bool_:
        return pa.Array.from_buffers(pa.bool_(), len(values),
                                     [None, pa.py_buffer(np.packbits(values, bitorder="little"))])
    types = {np.dtype(np.float64): pa.float64(), np.dtype(np.float32): pa.float32(), np.dtype(np.int64): pa.int64(),
             np.dtype(np.int32): pa.int32()}
    if values.dtype not in types:
        raise EvaluationError(f"a result of type {values.dtype} cannot be written")
    return pa.Array.from_buffers(types[values.dtype], len(values), [None, pa.py_buffer(values)])


def _numpy_column(variable: Any, column: pa.ChunkedArray, dtype: Any) -> np.ndarray:
    if variable.type in ("str", "enum"):
        return arrow_to_numpy(pc.cast(column, pa.string()))
    if variable.type == "date":
        return arrow_to_numpy(pc.cast(column, pa.date32()))
    if pa.types.is_floating(column.type) or pa.types.is_integer(column.type) or pa.types.is_boolean(column.type):
        return arrow_to_numpy(column).astype(dtype, copy=False)
    return to_array(variable, column.to_pylist(), len(column))


def simulation_from_tables(pack: Pack, persons: pa.Table, groups: Mapping[str, pa.Table], period: Period, *,
                           float_type: Any = np.float64,
                           membership: Mapping[str, np.ndarray] | None = None,
                           group_starts: Mapping[str, np.ndarray] | None = None) -> Simulation:
    """The simulation of a whole register given as Arrow tables (persons; each group's table keyed by
    `<group>_id`), with every input column holding for the period's months (the snapshot reading). Amounts are
    float64 unless asked otherwise (float32 is OpenFisca's storage, for comparing with it). `group_starts`, from
    a reader of whole households (`household_slices`), says where each group's contiguous members begin."""
    group_ids: dict[str, Any] = {}
    members: dict[str, np.ndarray] = dict(membership or {})
    roles: dict[str, np.ndarray] = {}
    role_masks: dict[tuple[str, str], np.ndarray] = {}
    for group in pack.groups:
        key = f"{group.key}_id"
        member_of = persons[key]
        table = groups.get(group.key)
        ids = table[key] if table is not None else pc.unique(member_of)
        group_ids[group.key] = ids
        if group.key not in members:
            if ids.type != member_of.type:
                ids, member_of = pc.cast(ids, pa.string()), pc.cast(member_of, pa.string())
            position = pc.index_in(member_of, value_set=ids.combine_chunks() if isinstance(ids, pa.ChunkedArray)
                                   else ids)
            if position.null_count:
                raise EvaluationError(f"{position.null_count} persons belong to no {group.key} of the register")
            members[group.key] = arrow_to_numpy(position).astype(np.int64, copy=False)
        # roles by their dictionary codes: each role's members found once, by integer comparison, never per
        # formula over Python strings (nor through an Arrow scalar, whose making imports pandas)
        column = persons[f"{group.key}_role"]
        encoded = pc.dictionary_encode(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column)
        words = [str(w) if w is not None else "" for w in encoded.dictionary.to_pylist()]
        codes = arrow_to_numpy(encoded.indices) if len(words) else np.zeros(len(column), dtype=np.int32)
        roles[group.key] = np.array(words or [""], dtype=object)[codes]
        for role in group.roles:
            role_masks[(group.key, role.key)] = (codes == words.index(role.key) if role.key in words
                                                 else np.zeros(len(codes), dtype=bool))
    simulation = Simulation(pack, Situation(persons["person_id"], group_ids, members, roles,
                                            group_starts=dict(group_starts or {}), role_masks=role_masks),
                            float_type=float_type)
    months = period.this_year.months if period.unit != "eternity" else []
    for table, entity_key in [(persons, pack.person.key), *((groups[g.key], g.key) for g in pack.groups
                                                             if g.key in groups)]:
        for name in table.column_names:
            variable = pack.variables.get(name)
            if variable is None or variable.entity != entity_key:
                continue
            array = _numpy_column(variable, table[name], simulation.dtype(variable.type))
            if variable.period == "eternity":
                simulation.set_array(name, ETERNITY, array)
            elif variable.period == "year":
                simulation.set_array(name, period.this_year, array)
            else:
                for month in {*months, period} if period.unit == "month" else months:
                    simulation.set_array(name, month, array)
    return simulation


def register_columns(pack: Pack, names: Sequence[str], computing: Sequence[str] | None = None) -> list[str]:
    """The columns of a register extract a pack reads: ids, roles and its input variables (to read no more);
    given the variables `computing`, only the inputs their formulas reach (any of their dated formulas)."""
    keys = ["person_id", *(f"{g.key}_{part}" for g in pack.groups for part in ("id", "role"))]
    needed = set(names) if computing is None else inputs_reached(pack, computing)
    return [*keys, *(n for n in names if n in pack.variables and n in needed and n not in keys)]


def inputs_reached(pack: Pack, computing: Sequence[str]) -> set[str]:
    """Every variable the formulas of `computing` read, directly or through other formulas."""
    seen: set[str] = set()
    pending = list(computing)
    while pending:
        name = pending.pop()
        if name in seen or name not in pack.variables:
            continue
        seen.add(name)
        for formula in pack.variables[name].formulas:
            pending.extend(v.name for v in variables_used(formula.tree))
    return seen


def household_chunks(persons: pa.Table, households: pa.Table, *, households_per_chunk: int,
                     key: str = "household_id") -> Iterator[tuple[pa.Table, pa.Table, np.ndarray]]:
    """The register in slices of whole households (each with its members), so that a register of any size is
    computed in the memory of one slice; a household's members may sit anywhere in the persons table. Each slice
    comes with its members' household positions in it (`simulation_from_tables(membership=…)` need not look
    them up again)."""
    ids = households[key].combine_chunks()
    member_of = persons[key]
    if ids.type != member_of.type:
        ids, member_of = pc.cast(ids, pa.string()), pc.cast(member_of, pa.string())
    position = arrow_to_numpy(pc.index_in(member_of, value_set=ids))
    for start in range(0, households.num_rows, households_per_chunk):
        stop = min(start + households_per_chunk, households.num_rows)
        members = np.flatnonzero((position >= start) & (position < stop)).astype(np.int64)
        yield persons.take(numpy_to_arrow(members)), households.slice(start, stop - start), position[members] - start


def household_slices(persons: pq.ParquetFile, households: pq.ParquetFile, *, person_columns: Sequence[str],
                     household_columns: Sequence[str], persons_per_slice: int, key: str = "household_id"
                     ) -> Iterator[tuple[pa.Table, pa.Table, np.ndarray, np.ndarray]]:
    """A register stored by household (each household's members together, households in the order of their
    first members, as snapshots and the synthetic register are written) read from Parquet a batch at a time, in
    slices of whole households: the memory of one slice, whatever the register's size. Each slice comes with its
    members' household positions and where each household's members begin (`simulation_from_tables`). A
    register stored otherwise is refused, naming the first household out of place; so is a household with no
    persons (`register_slices` keeps them)."""
    for part, groups, members, starts in _slices(persons, households, person_columns=person_columns,
                                                 household_columns=household_columns,
                                                 persons_per_slice=persons_per_slice, key=key, keep_empty=False):
        assert starts is not None  # noqa: S101  (without empty households every group has a first member)
        yield part, groups, members, starts


def register_slices(persons: pq.ParquetFile, households: pq.ParquetFile, *, persons_per_slice: int,
                    person_columns: Sequence[str] | None = None, household_columns: Sequence[str] | None = None,
                    key: str = "household_id") -> Iterator[tuple[pa.Table, pa.Table, np.ndarray]]:
    """A snapshot's register (persons stored by household) in slices of whole households read a Parquet batch
    at a time, as `household_chunks` gives a register held in memory: each slice with its members' household
    positions. Households with no persons, which an extract may hold, come in their place with no members (the
    last ones in a slice of their own), so that every household is evaluated as over the whole register."""
    for part, groups, members, _ in _slices(
            persons, households, person_columns=list(person_columns or persons.schema_arrow.names),
            household_columns=list(household_columns or households.schema_arrow.names),
            persons_per_slice=persons_per_slice, key=key, keep_empty=True):
        yield part, groups, members


def _slices(persons: pq.ParquetFile, households: pq.ParquetFile, *, person_columns: Sequence[str],
            household_columns: Sequence[str], persons_per_slice: int, key: str, keep_empty: bool
            ) -> Iterator[tuple[pa.Table, pa.Table, np.ndarray, np.ndarray | None]]:
    person_batches = persons.iter_batches(batch_size=persons_per_slice, columns=list(person_columns))
    group_batches = households.iter_batches(batch_size=persons_per_slice, columns=list(household_columns))
    waiting_groups: list[pa.RecordBatch] = []
    waiting_count = 0
    carried: pa.Table | None = None
    group_schema = pa.schema([households.schema_arrow.field(name) for name in household_columns])

    def fetch() -> bool:
        nonlocal waiting_count
        batch = next(group_batches, None)
        if batch is None:
            return False
        waiting_groups.append(batch)
        waiting_count += batch.num_rows
        return True

    def take_groups(count: int) -> pa.Table:
        nonlocal waiting_groups, waiting_count
        while waiting_count < count:
            if not fetch():
                raise EvaluationError(f"the register's persons name more {key}s than its households hold")
        table = pa.Table.from_batches(waiting_groups, schema=group_schema)
        rest = table.slice(count)
        waiting_groups, waiting_count = rest.to_batches(), rest.num_rows
        return table.slice(0, count)

    def out_of_place(first_member: Any, expected: Any) -> EvaluationError:
        return EvaluationError(f"the register is not stored by household: {key} {first_member} comes where "
                               f"{expected} was expected (load it as a snapshot first)")

    def positions_of(first_members: pa.Array) -> np.ndarray:
        """Where each first member's household is among the waiting households (fetching more until the last
        one's is there): strictly increasing, or the register is not stored by household."""
        while True:
            ids = pa.Table.from_batches(waiting_groups, schema=group_schema)[key].combine_chunks()
            wanted = first_members
            if wanted.type != ids.type:
                wanted, ids = pc.cast(wanted, pa.string()), pc.cast(ids, pa.string())
            found = pc.index_in(wanted, value_set=ids)
            if found[len(found) - 1].is_valid or not fetch():
                break
        at = arrow_to_numpy(pc.fill_null(found, -1)).astype(np.int64)
        wrong = np.flatnonzero((at < 0) | (np.diff(at, prepend=-1) <= 0))
        if len(wrong):
            raise EvaluationError(f"the register is not stored by household, or a person's {key} is not among "
                                  f"its households: {key} {first_members[int(wrong[0])]} is out of place "
                                  f"(load it as a snapshot first)")
        return at

    def emit(part: pa.Table) -> tuple[pa.Table, pa.Table, np.ndarray, np.ndarray | None]:
        ids = part[key].combine_chunks()
        change = arrow_to_numpy(pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1)))
        starts = np.flatnonzero(np.concatenate(([True], change))).astype(np.int64)
        members = np.cumsum(np.concatenate(([0], change)), dtype=np.int64)
        first_members = ids.take(numpy_to_arrow(starts))
        if keep_empty:
            at = positions_of(first_members)
            groups = take_groups(int(at[-1]) + 1)
            if len(at) == groups.num_rows:
                return part, groups, members, starts
            return part, groups, at[members], None
        groups = take_groups(len(starts))
        group_ids = groups[key].combine_chunks()
        if first_members.type != group_ids.type:
            first_members, group_ids = pc.cast(first_members, pa.string()), pc.cast(group_ids, pa.string())
        same = arrow_to_numpy(pc.equal(first_members, group_ids))
        if not same.all():
            wrong = int(np.flatnonzero(~same)[0])
            raise out_of_place(first_members[wrong], group_ids[wrong])
        return part, groups, members, starts

    for batch in person_batches:
        part = pa.Table.from_batches([batch]) if carried is None else pa.concat_tables(
            [carried, pa.Table.from_batches([batch])])
        ids = part[key].combine_chunks()
        if not len(ids):
            continue
        # the last household may go on in the next batch: carry it over whole
        others = np.flatnonzero(~arrow_to_numpy(pc.equal(ids, ids[len(ids) - 1])))
        tail = int(others[-1]) + 1 if len(others) else 0
        if tail == 0:
            carried = part
            continue
        carried = part.slice(tail)
        yield emit(part.slice(0, tail))
    if carried is not None and carried.num_rows:
        yield emit(carried)
    if keep_empty:
        while fetch():
            pass
        if waiting_count:  # households after the last person's: no members
            schema = pa.schema([persons.schema_arrow.field(name) for name in person_columns])
            yield schema.empty_table(), take_groups(waiting_count), np.zeros(0, dtype=np.int64), None
        return
    if waiting_count or next(group_batches, None) is not None:
        raise EvaluationError(f"the register's households include some with no persons ({key} "
                              f"{waiting_groups[0].column(key)[0] if waiting_count else ''})")


def _at_level(simulation: Simulation, name: str, period: Period, entity: Any) -> np.ndarray:
    """A condition's values for the beneficiaries' entity: a family's value for each member, any member's for a
    family (as `Simulation.explain` reads them)."""
    pack = simulation.pack
    source = pack.entities[pack.variables[name].entity]
    values = np.asarray(simulation.calculate(name, period)).astype(bool)
    if source.key == entity.key:
        return values
    if entity.is_person:
        per_member: np.ndarray = values[simulation.situation.membership[source.key]]
        return per_member
    membership = simulation.situation.membership[entity.key]
    return np.bincount(membership, weights=values.astype(np.float64),
                       minlength=simulation.situation.count(entity)) > 0


def evaluate_benefits(pack: Pack, persons: pa.Table, households: pa.Table, period: Period, *,
                      language: str = "en", members: np.ndarray | None = None) -> list[dict[str, Any]]:
    """Every beneficiary's result for each of the pack's benefits at `period` (`iter_benefits`), as a list."""
    return list(iter_benefits(pack, persons, households, period, language=language, members=members))


def iter_benefits(pack: Pack, persons: pa.Table, households: pa.Table, period: Period, *,
                  language: str = "en", members: np.ndarray | None = None) -> Iterator[dict[str, Any]]:
    """Every beneficiary's result for each of the pack's benefits at `period`, with the named conditions behind
    it and the beneficiary's region (their household's), computed over the register given at once
    (`simulation_from_tables`): a whole one, or a slice of whole households with its members' household
    positions (`members`, from `register_slices`). One row at a time: a caller that stores them as they come
    holds no more than the simulation's arrays."""
    simulation = simulation_from_tables(pack, persons, {"household": households}, period,
                                        membership=None if members is None else {"household": members})
    regions = (np.array([str(r or "") for r in households["region"].to_pylist()], dtype=object)
               if "region" in households.column_names else np.full(households.num_rows, "", dtype=object))
    for benefit in pack.benefits:
        variable = pack.variables[benefit]
        conditions = pack.conditions_of(benefit, period.start)
        entity = pack.entities[variable.entity]
        amounts = np.asarray(simulation.calculate(benefit, period), dtype=np.float64)
        checks = {c: _at_level(simulation, c, period, entity) for c in conditions}
        labels = {c: (pack.variables[c].label_in(language), pack.variables[c].label_in("ru"),
                      pack.variables[c].reference) for c in conditions}
        ids = persons["person_id"] if entity.is_person else households[f"{entity.key}_id"]
        where = regions[simulation.situation.membership["household"]] if entity.is_person else regions
        for index, beneficiary in enumerate(ids.to_pylist()):
            amount = float(amounts[index])
            entitled = amount > 0
            checked = [{"condition": c, "value": bool(checks[c][index]), "label": labels[c][0],
                        "label_ru": labels[c][1], "reference": labels[c][2]} for c in conditions]
            reasons = [c for c in checked if c["value"] == entitled] or checked
            yield {"benefit": benefit, "beneficiary_id": str(beneficiary), "entity": entity.key,
                   "amount": round(amount, 2), "entitled": entitled, "reasons": reasons,
                   "conditions": checked, "reference": variable.reference, "region": where[index]}
