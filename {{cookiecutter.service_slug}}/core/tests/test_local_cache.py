import time

from core.local_cache import LocalCache


def test_entries_expire_and_are_forgotten(monkeypatch) -> None:
    now = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])  # the clock core.local_cache reads
    values: LocalCache[str] = LocalCache(seconds=5, size=10)
    values.put("a", "A")
    values.put("b", "B", seconds=60)
    values.put("never", "N", seconds=0)  # a lifetime of 0 keeps nothing
    assert (values.get("a"), values.get("b"), values.get("never")) == ("A", "B", None)
    now[0] += 6
    assert (values.get("a"), values.get("b")) == (None, "B")
    values.forget(["b"])
    assert values.get("b") is None


def test_the_oldest_entry_goes_first_past_the_size() -> None:
    values: LocalCache[int] = LocalCache(seconds=60, size=3)
    for i in range(5):
        values.put(i, i)
    values.put(2, 2)  # stored again: now the newest
    values.put(5, 5)
    assert [k for k in range(6) if values.get(k) is not None] == [2, 4, 5]
