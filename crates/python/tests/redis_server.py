"""A real redis-server for a test, started on a free loopback port with its own directory
and an append-only file (so it can be killed and restarted with what it held), and a few
raw RESP commands to look into it. Fails, saying what to install, when redis-server is
missing."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import pytest

INSTALL = "install redis-server (Debian package redis-server)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def redis_binary() -> str:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if found is None:
        pytest.fail(f"redis-server is not installed: {INSTALL}", pytrace=False)
    return found


class RedisServer:
    """One redis-server on 127.0.0.1, owned by the test."""

    def __init__(self, directory: Path) -> None:
        self.binary = redis_binary()
        self.directory = directory
        self.port = free_port()
        self.process: Optional[subprocess.Popen[bytes]] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.directory),
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--save", "",
                "--logfile", str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.directory / "redis.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"redis-server exited at start:\n{log}", pytrace=False)
            try:
                if self.command("PING") == "PONG":
                    return
            except (OSError, RuntimeError):  # not listening yet, or LOADING its file
                time.sleep(0.02)
        pytest.fail("redis-server did not answer PING within 10 s", pytrace=False)

    def kill(self) -> None:
        """Kills the server at once (SIGKILL), as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def command(self, *args: str) -> object:
        """One command over RESP; the reply (simple, bulk, integer or array)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            request = f"*{len(args)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args)
            conn.sendall(request.encode())
            with conn.makefile("rb") as reader:
                return _reply(reader)

    def connected_clients(self) -> int:
        info = self.command("INFO", "clients")
        assert isinstance(info, str)
        for line in info.splitlines():
            if line.startswith("connected_clients:"):
                return int(line.split(":", 1)[1])
        raise AssertionError(info)


def _reply(reader: object) -> object:
    line = reader.readline()  # type: ignore[attr-defined]
    kind, body = line[:1], line[1:-2].decode()
    if kind == b"+":
        return body
    if kind == b"-":
        raise RuntimeError(body)
    if kind == b":":
        return int(body)
    if kind == b"$":
        size = int(body)
        if size < 0:
            return None
        data: bytes = reader.read(size + 2)  # type: ignore[attr-defined]
        return data[:-2].decode()
    if kind == b"*":
        return [_reply(reader) for _ in range(int(body))]
    raise RuntimeError(f"unexpected reply {line!r}")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()
