"""Safe file writes (atomic, owner-only from the first byte, immune to planted symlinks), and file checksums.

Every file the library writes that holds personal data (transcripts, documents, checkpoints, voice profiles)
goes through :func:`write_private`. The data is written to a temporary file created in the target folder with
``O_CREAT | O_EXCL | O_NOFOLLOW`` under an unpredictable name (:func:`tempfile.mkstemp`), flushed to disk, then
renamed over the target. A symlink planted at the target is replaced, never followed; there is no predictable
temporary name to plant one at; and a reader sees either the old file or the whole new one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_file(path: str | Path) -> str:
    """The hex sha256 of a file, read in 16 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(16 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def training_digest(recipe: str, files: list[Path]) -> str:
    """The hex sha256 over a training recipe's name and each file's name and bytes, in the order given: a model
    trained here is current while this is unchanged."""
    digest = hashlib.sha256(recipe.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def write_private(path: str | Path, data: bytes, mode: int = 0o600) -> None:
    """Atomically replace ``path`` with ``data``, readable and writable by the owner only (``mode``).

    Raises:
        OSError: the folder does not exist or cannot be written.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # O_EXCL|O_NOFOLLOW, 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode != 0o600:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
