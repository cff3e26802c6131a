"""The append-only Parquet answer store: atomic parts, numbering under a lock, high-water mark, compaction."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from govcx.analytics import store
from govcx.analytics.schema import ANSWER_SCHEMA
from govcx.analytics.synthetic import Shape, synthetic_answers

SMALL = Shape(services=5, organisations=2, regions=2, quarters=2)


def batch(rows: int, first_answer_id: int = 1) -> pa.Table:
    """`rows` answers whose answer ids start at `first_answer_id`."""
    table = next(synthetic_answers(rows, shape=SMALL))
    ids = pa.array(range(first_answer_id, first_answer_id + table.num_rows), pa.int64())
    index = table.schema.get_field_index("answer_id")
    return table.set_column(index, table.schema.field(index), ids)


def stored(path) -> pa.Table:
    parts = store.live_parts(path)
    return pa.concat_tables([pq.read_table(part, schema=ANSWER_SCHEMA) for part in parts], promote_options="none")


def test_append_round_trips_the_rows_in_the_schema(tmp_path):
    rows = batch(50)
    part = store.append(tmp_path, rows)
    assert part is not None and part.name == "part-0000000001-0000000001.parquet"
    assert stored(tmp_path).equals(rows)
    assert pq.read_schema(part).names == ANSWER_SCHEMA.names


def test_appends_number_parts_in_order_and_leave_no_temporary_files(tmp_path):
    for first in (1, 11, 21):
        store.append(tmp_path, batch(10, first))
    assert [p.name for p in store.live_parts(tmp_path)] == [store.part_name(i, i) for i in (1, 2, 3)]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []
    assert pc.sum(stored(tmp_path)["answer_id"]).as_py() == sum(range(1, 31))


def test_an_empty_batch_writes_nothing(tmp_path):
    assert store.append(tmp_path, ANSWER_SCHEMA.empty_table()) is None
    assert store.live_parts(tmp_path) == []


def test_a_batch_missing_a_column_or_with_nulls_is_refused(tmp_path):
    with pytest.raises(ValueError, match="region"):
        store.append(tmp_path, batch(5).drop_columns(["region"]))
    rows = batch(5)
    nulls = pa.array([None] * rows.num_rows, pa.float64())
    with pytest.raises(ValueError, match="value"):
        store.append(tmp_path, rows.set_column(rows.schema.get_field_index("value"), "value", nulls))
    assert store.live_parts(tmp_path) == []


def test_extra_columns_are_dropped_and_types_conformed(tmp_path):
    rows = batch(5)
    widened = rows.set_column(rows.schema.get_field_index("scale_max"), "scale_max", rows["scale_max"].cast(pa.int64()))
    store.append(tmp_path, widened.append_column("comment", pa.array(["x"] * rows.num_rows)))
    assert stored(tmp_path).schema == ANSWER_SCHEMA


def test_unfinished_temporary_files_and_strangers_are_not_read(tmp_path):
    store.append(tmp_path, batch(5))
    (tmp_path / ".tmp-crashed.parquet").write_bytes(b"PAR1 half a file")
    (tmp_path / "notes.txt").write_text("not a part")
    assert len(store.live_parts(tmp_path)) == 1
    assert store.row_count(tmp_path) == 5


def test_high_water_mark_is_the_largest_answer_id(tmp_path):
    assert store.high_water_mark(tmp_path) is None
    assert store.high_water_mark(tmp_path / "missing") is None
    store.append(tmp_path, batch(10, first_answer_id=101))
    store.append(tmp_path, batch(10, first_answer_id=41))
    assert store.high_water_mark(tmp_path) == 110


def test_skip_stored_drops_what_an_earlier_sync_already_stored(tmp_path):
    store.append(tmp_path, batch(10, first_answer_id=1), skip_stored=True)
    overlapping = batch(10, first_answer_id=6)
    store.append(tmp_path, overlapping, skip_stored=True)
    assert store.append(tmp_path, batch(5, first_answer_id=3), skip_stored=True) is None
    assert sorted(stored(tmp_path)["answer_id"].to_pylist()) == list(range(1, 16))


def test_compact_merges_parts_without_losing_or_duplicating_rows(tmp_path):
    for first in (1, 11, 21):
        store.append(tmp_path, batch(10, first))
    before = stored(tmp_path).sort_by("answer_id")
    merged = store.compact(tmp_path)
    assert [part.name for part in merged] == [store.part_name(1, 3)]
    assert store.live_parts(tmp_path) == merged
    assert [p.name for p in tmp_path.glob("part-*")] == [merged[0].name]
    assert stored(tmp_path).sort_by("answer_id").equals(before)
    after = store.append(tmp_path, batch(10, 31))
    assert after.name == store.part_name(4, 4)
    assert store.compact(tmp_path / "missing") == []
    assert not (tmp_path / "missing").exists()


def test_compact_merges_runs_of_small_neighbours_up_to_the_target_and_leaves_large_parts(tmp_path):
    sizes = [10, 10, 10, 50, 10, 10, 10, 10]
    first = 1
    for size in sizes:
        store.append(tmp_path, batch(size, first))
        first += size
    merged = store.compact(tmp_path, target_rows=25)
    assert [part.name for part in merged] == [store.part_name(1, 2), store.part_name(5, 6), store.part_name(7, 8)]
    names = [part.name for part in store.live_parts(tmp_path)]
    assert names == [store.part_name(1, 2), store.part_name(3, 3), store.part_name(4, 4), store.part_name(5, 6),
                     store.part_name(7, 8)]
    assert sorted(stored(tmp_path)["answer_id"].to_pylist()) == list(range(1, sum(sizes) + 1))
    assert store.compact(tmp_path, target_rows=25) == []


def test_a_merged_part_has_row_groups_of_the_configured_size(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "ROW_GROUP_SIZE", 25)
    for first in range(1, 101, 10):
        store.append(tmp_path, batch(10, first))
    (merged,) = store.compact(tmp_path)
    metadata = pq.read_metadata(merged)
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [25, 25, 25, 25]


def test_rows_are_counted_once_while_a_compaction_has_not_yet_deleted_its_inputs(tmp_path):
    for first in (1, 11):
        store.append(tmp_path, batch(10, first))
    kept = tmp_path / "kept"
    kept.mkdir()
    originals = store.live_parts(tmp_path)
    for part in originals:
        shutil.copy(part, kept / part.name)
    store.compact(tmp_path)
    for part in originals:
        shutil.copy(kept / part.name, part)  # as if the process died between the rename and the deletes
    assert [p.name for p in store.live_parts(tmp_path)] == [store.part_name(1, 2)]
    assert store.row_count(tmp_path) == 20


APPENDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import pyarrow as pa
    from govcx.analytics import store
    from govcx.analytics.synthetic import Shape, synthetic_answers

    path, go = Path(sys.argv[1]), Path(sys.argv[5])
    worker, batches, rows = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    template = next(synthetic_answers(rows, shape=Shape(services=5, organisations=2, regions=2, quarters=2)))
    template = template.slice(0, rows)
    (go.parent / f"ready-{worker}").touch()
    while not go.exists():
        time.sleep(0.001)
    for index in range(batches):
        first = (worker * batches + index) * rows + 1
        ids = pa.array(range(first, first + rows), pa.int64())
        store.append(path, template.set_column(1, "answer_id", ids))
    """
)


def start_appender(path, worker: int, batches: int, rows: int, go) -> subprocess.Popen:
    command = [sys.executable, "-c", APPENDER, str(path), str(worker), str(batches), str(rows), str(go)]
    return subprocess.Popen(command, stderr=subprocess.PIPE, text=True)


def test_two_processes_appending_at_once_lose_nothing_and_never_share_a_part_name(tmp_path):
    path, go, batches, rows = tmp_path / "answers", tmp_path / "go", 25, 40
    workers = [start_appender(path, worker, batches, rows, go) for worker in (0, 1)]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{worker}").exists() for worker in (0, 1)) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # both interpreters loaded and waiting, so their appends overlap
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors
    parts = store.live_parts(path)
    assert [p.name for p in parts] == [store.part_name(i, i) for i in range(1, 2 * batches + 1)]
    answer_ids = stored(path)["answer_id"].to_pylist()
    assert sorted(answer_ids) == list(range(1, 2 * batches * rows + 1))
    writers = [(pq.read_table(part, columns=["answer_id"])["answer_id"][0].as_py() - 1) // (batches * rows)
               for part in parts]
    switches = sum(1 for before, after in zip(writers, writers[1:], strict=False) if before != after)
    assert switches >= 2, f"the writers did not overlap ({writers}), so the lock was not exercised"


def test_an_append_waits_while_another_writer_holds_the_lock(tmp_path):
    path, go = tmp_path / "answers", tmp_path / "go"
    go.touch()
    with store.writer_lock(path):
        worker = start_appender(path, 0, 1, 10, go)
        time.sleep(2.0)
        assert store.live_parts(path) == [], "an append went ahead while the lock was held"
    _, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors
    assert store.row_count(path) == 10
