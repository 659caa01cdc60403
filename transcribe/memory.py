"""Hand memory the process has freed back to the operating system.

Long recordings make many short-lived buffers of a few hundred kilobytes to tens of megabytes (pyannote copies
each 10 s chunk, stacks them 32 at a time, and CAM++'s fbank makes several more per chunk). glibc's malloc
raises its mmap threshold each time such a buffer is freed, so later ones come from the heap arenas of the
threads that made them, and the freed space stays in the process, fragmented, instead of going back to the
system. Measured on two hours of audio (``docs/PERFORMANCE_NOTES.md``, twenty-fourth session): the whole
pipeline peaked at 2,685-3,217 MB, diarisation alone at 1,662-1,921 MB, by a different amount on every run; with
:func:`release_freed_memory` after every embedding batch and every recognition slice, 2,396-2,401 MB and
1,353-1,380 MB, for about 10 ms a call (3 s in a two-hour diarisation).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Return the free pages of every malloc arena to the system (``malloc_trim(0)``); a no-op without glibc."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
