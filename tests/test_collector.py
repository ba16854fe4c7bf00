"""bridge.collector: the sockets' objects are frozen out of the cyclic GC's full collections, and the cycles
of closed sockets are still collected once enough of them closed (issue 25)."""

from __future__ import annotations

import gc
import weakref

import pytest

from bridge.collector import Collector
from bridge.realtime import Client, Hub


class Socket:
    """Stands for a socket's objects: a reference cycle, as a protocol and its transport make."""

    def __init__(self) -> None:
        self.parts = [{"n": i} for i in range(50)]
        self.me = self


@pytest.fixture(autouse=True)
def _unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.collect()


def test_open_sockets_leave_the_full_collections():
    collector = Collector()
    sockets = [Socket() for _ in range(1000)]
    for _ in sockets:
        collector.add()
    walked = len(gc.get_objects())          # what a full collection walks
    collector.tick()
    assert gc.get_freeze_count() >= 1000 * 52, "the sockets' objects are frozen"
    assert len(gc.get_objects()) < walked - 1000 * 52, "a full collection no longer walks them"
    frozen = gc.get_freeze_count()
    unopened = [Socket() for _ in range(10)]    # new objects, but no socket opened
    collector.tick()
    # At most as many: frozen objects freed meanwhile (other threads of a whole test run) lower the count.
    assert gc.get_freeze_count() <= frozen, "nothing new opened: nothing more frozen"
    assert unopened


def test_closed_sockets_cycles_are_collected_after_a_quarter_closed():
    collector = Collector(min_churn=100)
    sockets = [Socket() for _ in range(1000)]
    for _ in sockets:
        collector.add()
    collector.tick()
    gone = [weakref.ref(s) for s in sockets[:300]]
    del sockets[:300]
    for _ in range(200):
        collector.remove()
    collector.tick()
    gc.collect()
    assert all(ref() is not None for ref in gone), "frozen cycles wait (200 of 1,000 closed: under a quarter)"
    for _ in range(100):
        collector.remove()
    collector.tick()
    assert collector.full == 1
    assert all(ref() is None for ref in gone), "a quarter closed: the closed sockets' cycles are freed"
    assert gc.get_freeze_count() >= 700 * 52, "and the open ones frozen again"
    assert collector.closed == 0 and collector.frozen == 700


def test_hub_counts_its_sockets():
    collector = Collector()
    hub = Hub("postgresql://unused", bodies=None, collector=collector)   # type: ignore[arg-type]
    a, b = Client(1), Client(1)
    hub.add(a)
    hub.add(b)
    assert (collector.open, collector.opened) == (2, 2)
    hub.remove(a)
    hub.remove(a)          # twice (a socket's end runs its clean-up once, but a second must not count)
    assert (collector.open, collector.closed) == (1, 1)
