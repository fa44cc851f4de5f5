"""Integration-test harness: real fjord-broker processes on loopback.

    with Broker(binary) as b:        # temp data dir, free 127.0.0.1 port, waits until it accepts
        b.bootstrap                  # "127.0.0.1:PORT"
        b.stop()                     # SIGTERM, returns the exit code

The broker is always stopped (SIGTERM, then SIGKILL after a grace period) and its temp dir
removed when the `with` block ends, also when a test fails. Its stderr goes to a file that
is printed when something goes wrong.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time


class HarnessError(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise HarnessError(msg)


class Tools:
    """Paths of the programs under test, from the command line."""

    def __init__(self, broker, fjord=None, app=None):
        self.broker = broker
        self.fjord = fjord
        self.app = app  # --app: an application under test (e.g. streams_probe)


def main(tests):
    """`SCRIPT --broker PATH [--fjord PATH] [--app PATH] TEST_NAME`: runs tests[TEST_NAME](Tools).

    Exit code 0 and `PASS name` on success; 1 and `FAIL name: why` on failure."""
    import sys
    ap = argparse.ArgumentParser()
    ap.add_argument("--broker", required=True)
    ap.add_argument("--fjord")
    ap.add_argument("--app")
    ap.add_argument("test", choices=sorted(tests))
    a = ap.parse_args()
    try:
        tests[a.test](Tools(a.broker, a.fjord, a.app))
    except HarnessError as e:
        print(f"FAIL {a.test}: {e}")
        sys.exit(1)
    print(f"PASS {a.test}")
    sys.exit(0)


def free_port():
    """A TCP port on 127.0.0.1 that nobody listened on a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_accepts(port, timeout=0.2):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


class Broker:
    def __init__(self, binary, properties=None, extra_args=(), keep_dir=None):
        self.binary = binary
        self.port = free_port()
        self.dir = keep_dir or tempfile.mkdtemp(prefix="fjord-it-")
        self.data_dir = os.path.join(self.dir, "data")
        self.config_path = os.path.join(self.dir, "broker.properties")
        self.stderr_path = os.path.join(self.dir, "broker.stderr")
        self.properties = {
            "node.id": "1",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "log.dirs": self.data_dir,
            "num.io.threads": "2",
        }
        self.properties.update(properties or {})
        self.extra_args = list(extra_args)
        self.proc = None

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def write_config(self):
        with open(self.config_path, "w") as f:
            for k, v in self.properties.items():
                f.write(f"{k}={v}\n")

    def start(self, wait=True, timeout=30.0):
        self.write_config()
        self._stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "--config", self.config_path, *self.extra_args],
            stdout=self._stderr, stderr=self._stderr, stdin=subprocess.DEVNULL)
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError(f"broker exited with {self.proc.returncode} before accepting\n{self.stderr()}")
            if port_accepts(self.port):
                return
            time.sleep(0.05)
        raise HarnessError(f"broker did not accept on {self.bootstrap} within {timeout}s\n{self.stderr()}")

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Sends `sig` and waits; SIGKILL after `timeout`. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise HarnessError(f"broker ignored signal {sig} for {timeout}s; killed\n{self.stderr()}")
        code = self.proc.returncode
        self.proc = None
        self._stderr.close()
        return code

    def kill(self):
        return self.stop(signal.SIGKILL)

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        try:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        finally:
            if exc[0] is not None:
                print(f"--- broker stderr ({self.stderr_path}) ---\n{self.stderr()}")
            shutil.rmtree(self.dir, ignore_errors=True)
        return False


def run(cmd, timeout=60, check=True):
    """Runs a client command; returns CompletedProcess with text output."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise HarnessError(f"{' '.join(cmd)} exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p
