"""One update (or watch) at a time: an exclusive `flock` on a lock file, released by the kernel.

The holder writes its pid and its command (`update`, `watch`) in the file, so a refused
run can say which holds the archive.

A run that is killed leaves no lock behind: the kernel drops the lock with the process, so
there is no stale pid file to clean up.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(RuntimeError):
    """Another process holds the lock; its pid is in the message when known."""


class RunLock:
    def __init__(self, path: str | Path, command: str = "update"):
        self.path = Path(path)
        self.command = command
        self._fd: int | None = None

    @classmethod
    def of_archive(cls, settings, command: str) -> RunLock:
        """The lock of the archive NEWS_DB_PATH (NEWS_LOCK_FILE, else the archive's path + `.lock`):
        the one lock `crawl`, `update` and `watch` take."""
        return cls(settings.get("NEWS_LOCK_FILE") or f"{Path(settings.get('NEWS_DB_PATH'))}.lock", command)

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, _, command = os.read(fd, 64).decode("ascii", "replace").strip().partition(" ")
            os.close(fd)
            command = command or "update"  # lock files written before the command was recorded
            who = f"another {command}" if command == self.command else f"`{command}`"
            raise AlreadyRunning(f"{who} is running (pid {pid or '?'}, lock {self.path})") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {self.command}".encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
