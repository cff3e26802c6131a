"""The bounded per-process store: the least recently used value is forgotten first; reading a value uses it."""

import threading

from govcx.common.kept import MISSING, Kept


def test_the_least_recently_used_is_forgotten_first_and_reading_counts_as_use():
    kept = Kept(3)
    kept.put_many({"a": 1, "b": 2, "c": 3})
    assert kept.get("a") == 1  # "b" is now the least recently used
    kept.put("d", 4)
    assert kept.get("b") is MISSING and len(kept) == 3
    assert kept.get_many(["a", "c", "b", "zzz"]) == {"a": 1, "c": 3}
    kept.put("e", 5)  # "d" was read least recently
    assert kept.get("d") is MISSING and {k: kept.get(k) for k in "ace"} == {"a": 1, "c": 3, "e": 5}


def test_a_kept_none_is_told_apart_from_a_value_never_kept():
    kept = Kept(2)
    kept.put("no model", None)
    assert kept.get("no model") is None and kept.get("other") is MISSING


def test_writers_in_several_threads_never_exceed_the_limit():
    kept = Kept(50)

    def write(offset: int) -> None:
        for i in range(500):
            kept.put((offset, i), i)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(kept) == 50
