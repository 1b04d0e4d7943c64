"""Run the sandbox inside a test process: uvicorn in a thread, on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
import uvicorn
from starlette.types import ASGIApp

from pressroom.sandbox.emulation import Emulation
from pressroom.sandbox.server import build_app, uvicorn_options

STARTUP_TIMEOUT_S = 15.0


class ServedApp:
    """Any ASGI app served by uvicorn in a background thread on a free loopback port."""

    def __init__(self, app: ASGIApp, *, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host = host
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, ready_path: str = "/") -> ServedApp:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, 0))
        port = listener.getsockname()[1]
        config = uvicorn.Config(self.app, timeout_graceful_shutdown=1, **uvicorn_options())
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [listener]},
            name=f"asgi:{port}",
            daemon=True,
        )
        self._thread.start()
        self.url = f"http://{self.host}:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                self.stop()
                raise RuntimeError(f"The server did not start within {STARTUP_TIMEOUT_S:g} s")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> ServedApp:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class RunningEmulator:
    """`with RunningEmulator(tmp_path) as sandbox:` … `sandbox.base_for("zalo")` …

    Serves the given emulations, or those of the platform registry."""

    def __init__(
        self,
        state_dir: Path | str,
        *,
        host: str = "127.0.0.1",
        emulations: list[Emulation] | None = None,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.host = host
        self.emulations = emulations
        self._paths: dict[str, str] = {}
        self.url = ""
        self._served: ServedApp | None = None
        self._control = httpx.Client(timeout=10, trust_env=False)

    def start(self) -> Self:
        app = build_app(self.state_dir, self.emulations)
        self._paths = {emulation.platform: emulation.path for emulation in app.state.emulations}
        self._served = ServedApp(app, host=self.host).start()
        self.url = self._served.url
        if self._control.get(f"{self.url}/_ledger").status_code != 200:
            self.stop()
            raise RuntimeError("The sandbox started but does not answer")
        return self

    def stop(self) -> None:
        if self._served is not None:
            self._served.stop()
            self._served = None

    def close(self) -> None:
        self.stop()
        self._control.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # What tests do with it

    def base_for(self, platform: str) -> str:
        """The api_base a client uses to reach this platform in the sandbox."""
        return self.url + self._paths[platform]

    def add_account(
        self, platform: str, account_id: str, token: str, **extra: Any
    ) -> dict[str, Any]:
        body = {"platform": platform, "account_id": account_id, "token": token, **extra}
        body.setdefault("name", account_id)
        response = self._control.post(f"{self.url}/_control/accounts", json=body)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def add_app(self, platform: str, app_id: str, app_secret: str) -> None:
        """Register an app, as in the platform's developer console (its OAuth checks it)."""
        body = {"platform": platform, "app_id": app_id, "app_secret": app_secret}
        self._control.post(f"{self.url}/_control/apps", json=body).raise_for_status()

    def accounts(self, platform: str | None = None) -> list[dict[str, Any]]:
        params = {"platform": platform} if platform else {}
        response = self._control.get(f"{self.url}/_control/accounts", params=params)
        response.raise_for_status()
        accounts: list[dict[str, Any]] = response.json()
        return accounts

    def ledger(self, **filters: Any) -> list[dict[str, Any]]:
        params = {key: str(value) for key, value in filters.items() if value is not None}
        response = self._control.get(f"{self.url}/_ledger", params=params)
        response.raise_for_status()
        entries: list[dict[str, Any]] = response.json()
        return entries

    def add_fault(self, platform: str, kind: str, **spec: Any) -> dict[str, Any]:
        response = self._control.post(
            f"{self.url}/_control/faults", json={"platform": platform, "kind": kind, **spec}
        )
        response.raise_for_status()
        fault: dict[str, Any] = response.json()
        return fault

    def clear_faults(self) -> None:
        self._control.delete(f"{self.url}/_control/faults").raise_for_status()

    def set_profile(self, platform: str = "*", **spec: Any) -> dict[str, Any]:
        """`PUT /_control/profile`: e.g. `set_profile("telegram", server_error_rate=0.1)`."""
        response = self._control.put(
            f"{self.url}/_control/profile", json={"platform": platform, **spec}
        )
        response.raise_for_status()
        profile: dict[str, Any] = response.json()
        return profile

    def profiles(self) -> dict[str, Any]:
        response = self._control.get(f"{self.url}/_control/profile")
        response.raise_for_status()
        listing: dict[str, Any] = response.json()
        return listing

    def clear_profiles(self, platform: str | None = None, account_id: str | None = None) -> int:
        params = {
            key: value
            for key, value in (("platform", platform), ("account_id", account_id))
            if value is not None
        }
        response = self._control.delete(f"{self.url}/_control/profile", params=params)
        response.raise_for_status()
        removed: int = response.json()["removed"]
        return removed

    def settings(self, **values: Any) -> dict[str, Any]:
        """The sandbox's settings, changed first when values are given (`enforce_limits`)."""
        if values:
            response = self._control.put(f"{self.url}/_control/settings", json=values)
        else:
            response = self._control.get(f"{self.url}/_control/settings")
        response.raise_for_status()
        settings: dict[str, Any] = response.json()
        return settings

    def ledger_summary(self, platform: str | None = None) -> dict[str, Any]:
        params = {"platform": platform} if platform else {}
        response = self._control.get(f"{self.url}/_ledger/summary", params=params)
        response.raise_for_status()
        summary: dict[str, Any] = response.json()
        return summary

    def duplicates(self, platform: str | None = None) -> list[dict[str, Any]]:
        params = {"platform": platform} if platform else {}
        response = self._control.get(f"{self.url}/_ledger/duplicates", params=params)
        response.raise_for_status()
        groups: list[dict[str, Any]] = response.json()["duplicates"]
        return groups

    def reset(self) -> None:
        """Forget accounts, objects and files, and clear faults, profiles and settings."""
        self._control.post(f"{self.url}/_control/reset", json={}).raise_for_status()
