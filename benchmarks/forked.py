"""Run a measurement in a forked child process, with a time limit and the child's peak memory.

The child reports each result as soon as it has it, so a measurement that runs out of time still gives the runs it
finished; at the limit the child is killed, so a benchmark always finishes. Memory is the resident set (RSS) of the
child: `peak_growth()` is the high-water mark (VmHWM) minus the RSS when `reset_peak()` was called, the peak reset
through /proc/self/clear_refs where Linux allows it. RSS, not tracemalloc: tracemalloc slows allocation-heavy code
several times over, and would count neither SQLite's nor openpyxl's or reportlab's C-level buffers.

Before forking, the caller closes its database connections (a forked SQLite or PostgreSQL connection must not be
used by two processes); the child opens its own.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Emit = Callable[[Any], None]


@dataclass
class Outcome:
    results: list[Any] = field(default_factory=list)
    finished: bool = False
    error: str | None = None
    seconds: float = 0.0
    peak_at_limit: float | None = None  # MB the child had grown to (VmHWM) when the limit stopped it


def run(work: Callable[[Emit], None], limit: float) -> Outcome:
    """``work(emit)`` in a forked child; every ``emit(value)`` arrives in ``Outcome.results``."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def target() -> None:
        try:
            work(lambda value: sender.send(("result", value)))
            sender.send(("done", None))
        except BaseException as exc:  # reported to the parent, which prints it
            sender.send(("error", f"{type(exc).__name__}: {exc}"))
        finally:
            sender.close()

    process = context.Process(target=target, daemon=True)
    at_fork = _status_kb("VmRSS")  # the child starts as a copy of this process
    started = time.monotonic()
    process.start()
    sender.close()
    outcome = Outcome()
    deadline = started + limit
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            outcome.peak_at_limit = max(0, _status_kb("VmHWM", process.pid) - at_fork) / 1024
            process.kill()
            break
        if not receiver.poll(min(remaining, 0.5)):
            if not process.is_alive() and not receiver.poll(0):
                outcome.error = outcome.error or f"the measuring process ended with exit code {process.exitcode}"
                break
            continue
        try:
            kind, value = receiver.recv()
        except EOFError:
            outcome.error = f"the measuring process ended with exit code {process.exitcode}"
            break
        if kind == "result":
            outcome.results.append(value)
        elif kind == "done":
            outcome.finished = True
            break
        else:
            outcome.error = value
            break
    process.join(10)
    receiver.close()
    outcome.seconds = time.monotonic() - started
    return outcome


def _status_kb(name: str, pid: int | None = None) -> int:
    path = Path(f"/proc/{pid or 'self'}/status")
    if not path.exists():
        return 0
    for line in path.read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


_baseline = [0]


def reset_peak() -> None:
    """Start a new peak: the high-water mark is reset (Linux), and the current RSS becomes the baseline."""
    with contextlib.suppress(OSError):  # without the reset the peak is that since the fork, usually the same
        Path("/proc/self/clear_refs").write_text("5")
    _baseline[0] = _status_kb("VmRSS")


def peak_growth() -> float:
    """MB the resident set grew to at most since reset_peak()."""
    if not Path("/proc/self/status").exists():
        import resource

        return max(0.0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - _baseline[0] / 1024)
    return max(0, _status_kb("VmHWM") - _baseline[0]) / 1024
