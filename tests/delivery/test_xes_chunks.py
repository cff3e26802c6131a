"""XES read in pieces on several cores equals rustxes on the whole file: the test logs, the public logs, global
defaults that a piece never mentions, and an attribute typed differently in two pieces."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pytest

from govcx.delivery import eventlog, xes_chunks

pytestmark = pytest.mark.one_database

WHOLE = 1 << 40


def trace(case, *events, extra=""):
    lines = "".join(f'<event><string key="concept:name" value="{name}"/>{more}'
                    f'<date key="time:timestamp" value="2024-01-0{day}T10:00:00+03:00"/></event>\n'
                    for day, (name, more) in enumerate(events, start=1))
    return f'<trace><string key="concept:name" value="{case}"/>{extra}\n{lines}</trace>\n'


def document(*traces, globals_=""):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n' + globals_ + "".join(traces)
            + "</log>\n")


def columns(table):
    return {name: table[name].to_pylist() for name in sorted(table.column_names)}


def read_both(path, chunk_bytes):
    header, pieces = xes_chunks.split(path, chunk_bytes) if not xes_chunks.is_gzip(path) else (b"", [])
    return xes_chunks.read(path, chunk_bytes=chunk_bytes), xes_chunks.read(path, chunk_bytes=WHOLE), pieces


def test_pieces_begin_at_trace_tags_and_cover_the_file(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(document(*(trace(n, ("a", ""), ("b", "")) for n in range(50))))
    data = path.read_bytes()
    header, pieces = xes_chunks.split(path, 1000)
    assert len(pieces) > 3 and header == data[:pieces[0].start] and header.endswith(b"\n")
    assert all(data[piece.start:piece.start + 7] == b"<trace>" for piece in pieces)
    assert [piece.end for piece in pieces[:-1]] == [piece.start for piece in pieces[1:]]
    assert pieces[-1].end == len(data) and pieces[-1].closed and not pieces[0].closed


def test_a_small_file_is_one_piece(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(document(trace(1, ("a", ""))))
    assert len(xes_chunks.split(path, xes_chunks.CHUNK_BYTES)[1]) == 1


def test_pieces_equal_the_whole_file_with_global_defaults_a_piece_never_mentions(tmp_path):
    globals_ = ('<global scope="trace"><string key="group" value="UNKNOWN"/><int key="size" value="7"/></global>\n'
                '<global scope="event"><string key="org:resource" value="NOBODY"/>'
                '<date key="due" value="1970-01-01T00:00:00.000+01:00"/></global>\n')
    early = [trace(n, ("a", ""), ("b", "")) for n in range(40)]
    late = [trace(n, ("a", '<string key="org:resource" value="R"/><date key="due" value="2024-02-01T00:00:00Z"/>'),
                  ("c", ""), extra='<string key="group" value="G"/><int key="size" value="3"/>')
            for n in range(40, 80)]
    path = tmp_path / "log.xes"
    path.write_text(document(*early, *late, globals_=globals_))
    pieces, whole, cut = read_both(path, 2000)
    assert len(cut) > 4
    assert columns(pieces) == columns(whole)
    assert whole.num_rows == 160 and set(whole["case:group"].to_pylist()) == {"UNKNOWN", "G"}
    assert whole["org:resource"].null_count == 0


def test_an_attribute_typed_differently_in_two_pieces_is_read_whole(tmp_path):
    early = [trace(n, ("a", '<int key="amount" value="5"/>')) for n in range(30)]
    late = [trace(n, ("a", '<string key="amount" value="five"/>')) for n in range(30, 60)]
    path = tmp_path / "log.xes"
    path.write_text(document(*early, *late))
    pieces, whole, cut = read_both(path, 1500)
    assert len(cut) > 2 and columns(pieces) == columns(whole)


def test_gzip_and_plain_read_alike(tmp_path):
    text = document(*(trace(n, ("a", ""), ("b", "")) for n in range(60)))
    plain, packed = tmp_path / "log.xes", tmp_path / "log.xes.gz"
    plain.write_text(text)
    packed.write_bytes(gzip.compress(text.encode()))
    assert columns(xes_chunks.read(packed, chunk_bytes=2000)) == columns(xes_chunks.read(plain, chunk_bytes=2000))


def test_a_gzip_file_is_cut_as_a_stream_where_the_plain_file_is_cut(tmp_path, monkeypatch):
    text = document(*(trace(n, ("a", ""), ("b", "")) for n in range(60)))
    plain, packed = tmp_path / "log.xes", tmp_path / "log.xes.gz"
    plain.write_text(text)
    packed.write_bytes(gzip.compress(text.encode()))
    monkeypatch.setattr(xes_chunks, "_UNPACK", 777)  # blocks that end inside tags and pieces
    data = plain.read_bytes()
    header, pieces = xes_chunks.split(plain, 2000)
    expected = [header + data[piece.start:piece.end] + (b"" if piece.closed else xes_chunks._CLOSING)
                for piece in pieces]
    folder = tmp_path / "pieces"
    folder.mkdir()
    documents = [Path(job.source).read_bytes() for job in xes_chunks._unpacked_pieces(packed, str(folder), 2000)]
    assert len(pieces) > 5 and documents == expected


def test_integers_in_one_piece_and_floats_in_another_are_floats_as_in_the_whole_file(tmp_path, monkeypatch):
    early = [trace(n, ("a", '<int key="amount" value="5"/>')) for n in range(30)]
    late = [trace(n, ("a", '<float key="amount" value="2.5"/>')) for n in range(30, 60)]
    path = tmp_path / "log.xes"
    path.write_text(document(*early, *late))
    runs = []
    run = xes_chunks._run
    monkeypatch.setattr(xes_chunks, "_run", lambda jobs, workers: runs.append(workers) or run(jobs, workers))
    pieces, whole, cut = read_both(path, 1500)
    assert len(runs) == 2  # the pieces were joined, not read again whole
    assert len(cut) > 2 and columns(pieces) == columns(whole)
    assert pieces["amount"].type == pa.float64()


def test_a_malformed_piece_falls_back_to_the_line_of_the_error(tmp_path):
    traces = [trace(n, ("a", "")) for n in range(40)]
    traces[30] = traces[30].replace("</event>", "</evnt>", 1)
    path = tmp_path / "broken.xes"
    path.write_text(document(*traces))
    with pytest.raises(xes_chunks.Unreadable):
        xes_chunks.read(path, chunk_bytes=1500)
    with pytest.raises(eventlog.InvalidInput) as refused:
        eventlog.read_event_log(path)
    assert refused.value.problems[0].line == 3 + 30 * 3 + 1


def test_a_process_that_parsed_in_process_does_not_fork(tmp_path, monkeypatch):
    path = tmp_path / "log.xes"
    path.write_text(document(trace(1, ("a", ""))))
    monkeypatch.setattr(xes_chunks, "_parsed_here", True)
    assert xes_chunks.read(path) is None


@pytest.mark.parametrize(("name", "chunk_bytes"), [("08_receipt.xes.gz", 400_000), ("roadtraffic100traces.xes", 30_000),
                                                   ("roadtraffic50traces.xes", 15_000),
                                                   ("12_roadtraffic_1t_per_variant.xes.gz", 15_000)])
def test_public_logs_in_pieces_equal_the_whole_file(eventlogs, name, chunk_bytes):
    path = eventlogs / name
    if not path.exists():
        pytest.skip(f"{name} is not among the shared event logs")
    pieces = xes_chunks.read(path, chunk_bytes=chunk_bytes)
    whole = xes_chunks.read(path, chunk_bytes=WHOLE)
    assert pieces.num_rows == whole.num_rows > 0
    assert columns(pieces) == columns(whole)
    mapping = eventlog.ColumnMapping()
    one = eventlog.canonical(pieces, mapping, file_name=name, file_format="xes").events
    two = eventlog.canonical(whole, mapping, file_name=name, file_format="xes").events
    assert one.equals(two)
    assert isinstance(one["timestamp"].type, pa.TimestampType)


def test_a_worker_that_dies_marks_its_job_crashed_and_the_next_read_still_forks(tmp_path):
    missing = xes_chunks.Job(str(tmp_path / "gone.xes"), b"", xes_chunks.Piece(0, 10, closed=False),
                             str(tmp_path / "gone.arrow"))
    targets, status = xes_chunks._run(iter([missing]), 1)  # the worker fails to open the source and exits
    assert status == [xes_chunks.CRASHED] and targets == [str(tmp_path / "gone.arrow")]
    path = tmp_path / "log.xes"
    path.write_text(document(*(trace(n, ("a", "")) for n in range(40))))
    assert xes_chunks.can_fork() and xes_chunks.read(path, chunk_bytes=1500).num_rows == 40
