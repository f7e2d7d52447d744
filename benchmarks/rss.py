"""Resident memory of this process from /proc (Linux); the peak can be reset.

The memory figures of `bench_model.py` (peak RSS growth while a model is built and
run) need a peak that covers only the model, which `resource.getrusage` cannot reset;
these readers are plain /proc file access, kept apart from the timing code.
"""

from __future__ import annotations


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def rss_bytes() -> int:
    """Current resident set size."""
    return _status_kb("VmRSS") * 1024


def peak_rss_bytes() -> int:
    """Peak resident set size since start or since the last `reset_peak_rss`."""
    return _status_kb("VmHWM") * 1024


def reset_peak_rss() -> None:
    """Reset the peak to the current RSS (Linux: write 5 to /proc/self/clear_refs)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
        fh.write("5")
