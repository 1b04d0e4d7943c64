"""What every publishing benchmark needs: a fresh database, the sandbox, dispatchers, channels.

The benchmark process switches its own database connection to a new SQLite file (or a new
PostgreSQL database on the server of DATABASE_URL) before touching it, and starts the sandbox
and the dispatchers as separate processes on the same database, as a deployment would.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections

from pressroom.channels.models import Channel
from pressroom.orgs.models import Membership, Role, Unit
from pressroom.platforms.base import new_sandbox_token
from pressroom.platforms.registry import DESCRIPTORS, descriptor_for

PLATFORMS = list(DESCRIPTORS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class BenchChannel:
    pk: int
    platform: str
    external_id: str
    token: str


class Harness:
    """Use as a context manager; everything it started is stopped and removed on exit."""

    def __init__(self, *, db: str, dispatcher_env: dict[str, str] | None = None) -> None:
        if db not in ("sqlite", "postgres"):
            raise ValueError("--db is sqlite or postgres")
        self.db = db
        self.directory = Path(tempfile.mkdtemp(prefix="pressroom-bench-"))
        if not settings.SECRET_KEY_CONFIGURED:
            # Dispatchers refuse the development key; the benchmark's data is throw-away, so
            # it makes a key of its own for itself and the processes it starts.
            settings.SECRET_KEY = secrets.token_urlsafe(50)
        self.env = {
            **os.environ,
            "PRESSROOM_DATA_DIR": str(self.directory),
            "SECRET_KEY": settings.SECRET_KEY,
            "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            **(dispatcher_env or {}),
        }
        self.processes: list[subprocess.Popen[bytes]] = []
        self.dispatchers: list[subprocess.Popen[bytes]] = []
        self.pg_name = ""
        self.sandbox_url = ""
        self.http = httpx.Client(timeout=30)

    # The database ---------------------------------------------------------------------------
    def _use_database(self) -> None:
        database: dict[str, Any] = settings.DATABASES["default"]  # type: ignore[assignment]
        connections["default"].close()
        if self.db == "sqlite":
            if database["ENGINE"] != "django.db.backends.sqlite3":
                # In place, keeping the defaults Django filled in (TIME_ZONE, TEST...).
                database.update(
                    {
                        "HOST": "",
                        "PORT": "",
                        "USER": "",
                        "PASSWORD": "",
                        "ENGINE": "django.db.backends.sqlite3",
                        "OPTIONS": {
                            "transaction_mode": "IMMEDIATE",
                            "timeout": 20,
                            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
                        },
                    }
                )
            database["NAME"] = str(self.directory / "pressroom.sqlite3")
            # A new connection object, of the SQLite backend.
            with contextlib.suppress(AttributeError):
                del connections["default"]
            self.env.pop("DATABASE_URL", None)
            return
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise RuntimeError("--db postgres needs DATABASE_URL pointing at a PostgreSQL server")

        self.pg_name = f"pressroom_bench_{secrets.token_hex(4)}"
        with _admin_connection(url) as admin:
            admin.execute(f'CREATE DATABASE "{self.pg_name}"')
        database["NAME"] = self.pg_name
        self.env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + self.pg_name

    def __enter__(self) -> Harness:
        # Stopped with SIGTERM, the benchmark still stops its processes and drops its database.
        self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_signal)
        self._use_database()
        call_command("migrate", verbosity=0, interactive=False)
        port = free_port()
        self.sandbox_url = f"http://127.0.0.1:{port}"
        sandbox = self._spawn(
            "sandbox", "--port", str(port), "--state-dir", str(self.directory / "sandbox")
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.http.get(f"{self.sandbox_url}/_ledger", params={"limit": 1})
                break
            except httpx.HTTPError:
                if sandbox.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGTERM, self._previous_sigterm)
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.http.close()
        connections["default"].close()
        if self.pg_name:
            with _admin_connection(os.environ["DATABASE_URL"]) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        shutil.rmtree(self.directory, ignore_errors=True)

    def _spawn(self, *arguments: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "pressroom.cli", *arguments],
            env=self.env,
            stdout=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    # Dispatchers ----------------------------------------------------------------------------
    def start_dispatchers(self, count: int) -> None:
        """Start them and wait until each one polls, so the clock starts with them ready."""
        ready = []
        for _ in range(count):
            process, ready_file = self._spawn_dispatcher()
            self.dispatchers.append(process)
            ready.append((process, ready_file))
        deadline = time.monotonic() + 60
        for process, ready_file in ready:
            while not ready_file.exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("a dispatcher did not start")
                time.sleep(0.05)

    def _spawn_dispatcher(self) -> tuple[subprocess.Popen[bytes], Path]:
        ready_file = self.directory / f"dispatcher-{secrets.token_hex(4)}.ready"
        return self._spawn("dispatcher", "--ready-file", str(ready_file)), ready_file

    def kill_dispatcher(self, index: int) -> None:
        """SIGKILL: no clean-up at all, as a crash or a pulled plug."""
        process = self.dispatchers[index]
        process.kill()
        process.wait()
        self.dispatchers[index] = self._spawn_dispatcher()[0]

    # The sandbox ----------------------------------------------------------------------------
    def sandbox(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, f"{self.sandbox_url}{path}", **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def set_profile(self, **profile: Any) -> None:
        self.sandbox("PUT", "/_control/profile", json={"platform": "*", **profile})

    def ledger(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.sandbox("GET", "/_ledger", params={"top_level": 1})
        return entries

    # Data -----------------------------------------------------------------------------------
    def people(self) -> tuple[Unit, Any, Any]:
        unit = Unit.objects.create(name="Tỉnh (benchmark)", slug="bench", kind="province")
        users = []
        for username, role in (("bench.editor", Role.EDITOR), ("bench.approver", Role.APPROVER)):
            user = get_user_model().objects.create_user(username, password=secrets.token_hex())
            Membership.objects.create(user=user, unit=unit, role=role)
            users.append(user)
        return unit, users[0], users[1]

    def channels(self, unit: Unit, count: int) -> list[BenchChannel]:
        """`count` channels over the four platforms, each its own account and credentials."""
        made: list[BenchChannel] = []
        rows = []
        for index in range(count):
            platform = PLATFORMS[index % len(PLATFORMS)]
            token = new_sandbox_token()
            descriptor = descriptor_for(platform)
            external_id = descriptor.sandbox_account(number=index, name=f"bench_{index}")
            self.sandbox(
                "POST",
                "/_control/accounts",
                json={
                    "platform": platform,
                    "account_id": external_id,
                    "token": token,
                    "name": f"Bench {index}",
                },
            )
            channel = Channel(
                unit=unit,
                platform=platform,
                name=f"Bench {platform} {index}",
                external_id=external_id,
                api_base=self.sandbox_url + descriptor.sandbox_path,
                is_sandbox=True,
            )
            channel.credentials = credentials_for(platform, token)
            rows.append(channel)
            made.append(BenchChannel(0, platform, external_id, token))
        created = Channel.objects.bulk_create(rows, batch_size=500)
        for bench_channel, channel in zip(made, created, strict=True):
            bench_channel.pk = channel.pk
        return made


def credentials_for(platform: str, token: str) -> dict[str, str]:
    """A bench channel's credentials, holding its sandbox account's token."""
    return descriptor_for(platform).sandbox_credentials(token)


def duplicates_in(ledger: list[dict[str, Any]]) -> int:
    """Objects beyond the first with the same text on the same account."""
    counts = Counter((entry["platform"], entry["account_id"], entry["text"]) for entry in ledger)
    return sum(count - 1 for count in counts.values() if count > 1)


def _admin_connection(url: str) -> Any:
    """A connection to create and drop the benchmark's database: to the database of
    `DATABASE_URL` when it exists, otherwise to the server's maintenance database."""
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(url, autocommit=True, dbname="postgres")


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)
