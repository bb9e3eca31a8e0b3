"""An exclusive lock on a data directory, so that exactly one venue journals into it.

Invariants:

* The lock is ``fcntl.flock(LOCK_EX | LOCK_NB)`` on ``<data_dir>/LOCK``, taken before recovery reads
  anything and held for the life of the venue; the kernel drops it when the process dies (also on
  ``kill -9``), so a crashed venue never leaves a stale lock behind.
* The holder writes its pid into the file after locking; a second venue that fails to lock reads it
  back and names it in the error. The pid is informational only: the flock decides.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

__all__ = ["DataDirLock", "DataDirLocked"]

LOCK_NAME = "LOCK"


class DataDirLocked(RuntimeError):
    """Another live process holds the data directory."""


class DataDirLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> DataDirLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise DataDirLocked(f"data dir {self.path.parent} is in use by another utaex process (pid {holder}); "
                                "stop it first, or choose another --data-dir") from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor drops the flock
