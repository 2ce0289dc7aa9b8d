"""A private Eclipse Mosquitto broker on a free loopback port, for tests, benchmarks and demos.

    with MosquittoBroker() as broker:      # raises BrokerUnavailable if mosquitto is absent
        ... connect to ("127.0.0.1", broker.port) ...

The broker listens on 127.0.0.1 only, keeps nothing on disk and is stopped (terminate, then
kill after a timeout) when the block ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time


class BrokerUnavailable(RuntimeError):
    """The mosquitto binary is not installed (Debian: apt-get install mosquitto)."""


def find_mosquitto() -> str | None:
    found = shutil.which("mosquitto")
    if found:
        return found
    for candidate in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MosquittoBroker:
    def __init__(self, start_timeout: float = 10.0):
        self.binary = find_mosquitto()
        if self.binary is None:
            raise BrokerUnavailable("mosquitto not found (apt-get install mosquitto)")
        self.start_timeout = start_timeout
        self.host = "127.0.0.1"
        self.port = 0
        self._process = None
        self._dir = None

    def __enter__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="oddkit-mosquitto-")
        self.port = free_port()
        config = os.path.join(self._dir.name, "mosquitto.conf")
        with open(config, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "log_dest stderr\nlog_type error\nlog_type warning\nmax_queued_messages 0\n")
        self._log = open(os.path.join(self._dir.name, "broker.log"), "w")
        self._process = subprocess.Popen([self.binary, "-c", config], stdout=self._log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self.__exit__(None, None, None)
                raise RuntimeError("mosquitto exited at start-up")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError(f"mosquitto did not listen on {self.host}:{self.port} within {self.start_timeout} s")

    def __exit__(self, *exc):
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)
        self._process = None
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
        return False
