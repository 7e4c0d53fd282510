"""The worker's processes: `flask worker` runs WORKER_PROCESSES copies of its loop, forked from one parent.

Rendering a notice's PDF is CPU work in Python, so one process renders on one core; a batch of a thousand notices
goes out about twice as fast with two. The copies share nothing but the database: the outbox, webhook and
reminder claims keep each message, call and reminder to one of them. The parent forks only between passes (with no
transaction open), forwards SIGTERM to its children when it stops, waits for them, and starts a child again if one
died (a crash must not halve the sending); a child whose parent is gone stops after its pass."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable

import click

Loop = Callable[[str, threading.Event, "Pool | None"], None]


def default_count() -> int:
    """One per core, at most four: more processes than cores only wait for each other (and for SQLite's lock)."""
    return max(1, min(os.cpu_count() or 1, 4))


def stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _stop_with_parent(stop: threading.Event, parent: int) -> None:
    """A child stops (after its pass) when its parent is gone, even if the parent was killed with SIGKILL and
    could not tell it: an orphaned sender nobody can see or stop is worse than a slower one."""

    def watch() -> None:
        while not stop.wait(0.5):
            if os.getppid() != parent:
                stop.set()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class Pool:
    """The parent's children, by pid: each runs `loop` under its own name until SIGTERM."""

    def __init__(self, loop: Loop, name: str, count: int, dispose: Callable[[], None]):
        self.loop, self.name, self.count, self.dispose = loop, name, count, dispose
        self.children: dict[int, int] = {}  # pid -> index

    def _spawn(self, index: int) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: its own connections, its own stop signal, the loop; it never returns
            status = 0
            try:
                self.dispose()
                stop = stop_on_signals()
                _stop_with_parent(stop, parent)
                self.loop(f"{self.name}/{index}", stop, None)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        self.children[pid] = index

    def start(self) -> None:
        for index in range(1, self.count):
            self._spawn(index)

    def tend(self) -> None:
        """Between two passes: start again each child that ended."""
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if not pid:
                return
            index = self.children.pop(pid, None)
            if index is not None:
                click.echo(f"worker {self.name}/{index} ended (wait status {status}); starting it again", err=True)
                self._spawn(index)

    def stop(self) -> None:
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in list(self.children):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.children.clear()
