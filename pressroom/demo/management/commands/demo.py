"""`pressroom demo`: the whole desk on one machine, with a demo province and sandbox channels."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pressroom.channels.models import Channel
from pressroom.demo.listening import demo_secrets, listen_to_sandbox
from pressroom.demo.province import DEMO_PASSWORD, USERS, load_demo, point_channels_at_sandbox


class Command(BaseCommand):
    help = (
        "Run the demo: migrate, load the demo province, then start the web app, the sandbox "
        "platforms, the worker and the dispatcher. Ctrl-C stops everything; data is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="Web app port.")
        parser.add_argument(
            "--sandbox-port", type=int, default=None, help="Sandbox port (default: port + 1)."
        )
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        host, port = options["host"], options["port"]
        sandbox_port = options["sandbox_port"] or port + 1
        data_dir = settings.DATA_DIR
        data_dir.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Data directory: {data_dir}")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        env = {**os.environ, "PRESSROOM_DATA_DIR": str(data_dir)}
        if not settings.SECRET_KEY_CONFIGURED:
            key_file = self._demo_secret_key(data_dir)
            settings.SECRET_KEY = key_file.read_text(encoding="utf-8").strip()
            env.pop("SECRET_KEY", None)
            env["SECRET_KEY_FILE"] = str(key_file)
        env.setdefault("SITE_URL", f"http://{host}:{port}")
        settings.PUBLIC_URL = env.get("PUBLIC_URL") or env["SITE_URL"]
        demo_secrets(env)
        # Notifications go to files in the data directory instead of the terminal.
        env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
        env.setdefault("EMAIL_FILE_PATH", str(data_dir / "sent-mail"))
        # The demo works without the internet: a post's link gets no preview, and says so.
        env.setdefault("LINK_PREVIEWS", "off")
        run = [sys.executable, "-m", "pressroom.cli"]
        processes: dict[str, subprocess.Popen[bytes]] = {}

        def start(name: str, *arguments: str) -> None:
            processes[name] = subprocess.Popen([*run, *arguments], env=env)

        def stop_all() -> None:
            # A second signal while stopping (a service manager's, a second Ctrl-C) does not
            # interrupt the stopping.
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()

        sandbox_url = f"http://{host}:{sandbox_port}"
        # Stopped by a signal (a service manager, `kill`), the demo stops its processes too.
        signal.signal(signal.SIGTERM, _interrupt)
        # Channels are connected through the sandbox's consent pages (see channels/connecting).
        env.setdefault("SANDBOX_URL", sandbox_url)
        try:
            start("sandbox", "sandbox", "--host", host, "--port", str(sandbox_port))
            self._wait_for(f"{sandbox_url}/_ledger", processes["sandbox"])
            result = load_demo()
            point_channels_at_sandbox(sandbox_url)
            start("web", "serve", "--host", host, "--port", str(port))
            start("worker", "worker")
            start("dispatcher", "dispatcher")
            start("listener", "listen")
            start("collector", "collect")
            self._wait_for(f"http://{host}:{port}/sign-in/", processes["web"])
            # Only now: Facebook checks the callback address when an app subscribes to it.
            listen_to_sandbox(sandbox_url, f"http://{host}:{port}")
            self._banner(host, port, sandbox_url, result.created, time.monotonic() - started)
            while all(process.poll() is None for process in processes.values()):
                time.sleep(0.5)
            failed = [name for name, process in processes.items() if process.poll() is not None]
            raise CommandError(f"{', '.join(failed)} stopped unexpectedly; stopping the demo.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            stop_all()

    def _demo_secret_key(self, data_dir: Path) -> Path:
        """The demo's own random key, made on its first run and kept with its data."""
        key_file = data_dir / "secret_key"
        if key_file.exists():
            return key_file
        if Channel.objects.exists():
            raise CommandError(
                f"{data_dir} was made by an older demo that had no key of its own and its "
                "channel credentials cannot be read with a new one. Delete it to start over."
            )
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        return key_file

    def _wait_for(self, url: str, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise CommandError(f"A demo process exited early while waiting for {url}.")
            try:
                httpx.get(url, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise CommandError(f"{url} did not answer within 60 s.")

    def _banner(
        self, host: str, port: int, sandbox_url: str, created: bool, seconds: float
    ) -> None:
        lines = [
            "",
            f"Pressroom demo is running (ready in {seconds:.1f} s"
            + (", demo province created)." if created else ", existing data kept)."),
            f"  Web app:          http://{host}:{port}/",
            f"  Sandbox feeds:    {sandbox_url}/view/",
            f"  Sandbox ledger:   {sandbox_url}/_ledger",
            f"  Admin:            http://{host}:{port}/admin/",
            f"  Sent e-mail:      {settings.DATA_DIR / 'sent-mail'}",
            "",
            f"Sign in with any of these (password: {DEMO_PASSWORD}):",
        ]
        lines += [f"  {username:<18} {role:<9} {slug}" for username, slug, role, _ in USERS]
        lines += ["", "Press Ctrl-C to stop."]
        self.stdout.write("\n".join(lines))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
