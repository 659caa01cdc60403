"""release_freed_memory gives fragmented free heap memory back to the system (glibc's malloc_trim)."""

import subprocess
import sys

import pytest

from transcribe.memory import _malloc_trim

# In a fresh interpreter: freeing one 16 MB block raises glibc's mmap threshold, so the next 200 blocks of 1 MB
# come from the heap; all but the last are freed, and the last keeps the heap from shrinking at its top. The
# freed 199 MB stay in the process until they are released.
FRAGMENT_THEN_RELEASE = r"""
import ctypes, ctypes.util
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]

def rss_mb():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1]) // 1024

MB = 1 << 20
libc.free(libc.malloc(16 * MB))
blocks = [libc.malloc(MB) for _ in range(200)]
for b in blocks:
    libc.memset(b, 1, MB)
for b in blocks[:-1]:
    libc.free(b)
before = rss_mb()
from transcribe.memory import release_freed_memory
release_freed_memory()
print(before, rss_mb())
"""


@pytest.mark.skipif(_malloc_trim() is None, reason="the C library has no malloc_trim (not glibc)")
def test_freed_but_fragmented_heap_memory_is_given_back():
    out = subprocess.run([sys.executable, "-c", FRAGMENT_THEN_RELEASE], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    before, after = map(int, out.split())
    assert before - after >= 150, f"RSS {before} MB before the release, {after} MB after"
