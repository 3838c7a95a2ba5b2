#!/usr/bin/env python3
"""node_ipc.py under the conformance kit: the adapter ``node-ipc-ts conformance`` runs.

    node-ipc-ts conformance --server -- python3 peers/python/conformance_adapter.py server
    node-ipc-ts conformance --client -- python3 peers/python/conformance_adapter.py client

The kit starts this program once per mode group with three environment variables:

- ``NODE_IPC_CONFORMANCE_TARGET``: ``unix:<path>`` or ``tcp:<host>:<port>``; where the server
  listens or the client connects.
- ``NODE_IPC_CONFORMANCE_MODE``: ``json`` (the default) or ``raw``.
- ``NODE_IPC_CONFORMANCE_DELIMITER``: the delimiter as a JSON string literal (``"\\f"``, the
  default, or ``"\\r\\n"``); JSON mode only.

In JSON mode, in both roles, it answers what the kit sends:

- event ``echo`` d: emits ``echo`` d back on that connection (a message without ``data`` is
  echoed without a payload, so it goes out as ``{}`` as in Node);
- event ``broadcast`` d: the server broadcasts ``broadcast`` d to every connection, the client
  emits it back;
- request ``add`` ``{"a": x, "b": y}``: answers x + y; request ``fail``: answers with an error
  whose code is ``E_CONFORMANCE`` and message ``failed on purpose``; a request of any other
  type: ``ERR_IPC_NO_HANDLER`` (node_ipc.py does that once an endpoint has handlers);
- event ``ask`` ``{"type": t, "data": d}``: requests t with d from the kit on that connection,
  then emits ``asked`` with ``{"data": result}`` or ``{"error": {"code", "message"}}`` (the
  code and message the kit's error reply carried, or those of a local failure such as
  ``ERR_IPC_TIMEOUT``);
- event ``farewell`` n: emits ``farewell`` n times (payloads 1..n), then closes that
  connection gracefully (the client: its connection; the server: that one connection).

The client emits ``hello`` ``{"id": "conformance"}`` as soon as it is connected, and connects
again (and says ``hello`` again) whenever its connection ends, until it is stopped. In raw mode
every chunk received is written back unchanged, and the client sends nothing first.

SIGTERM or SIGINT stops it: the server closes its connections and removes its socket file,
the client closes its connection, each within about a second; the exit status is 0. A usage
error (a bad variable, a bad argument) exits with 2.

Standard library only, Python 3.9 or newer, next to node_ipc.py.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import signal
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Set, Union

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from node_ipc import MISSING, Client, Connection, IpcError, Server  # noqa: E402

ENV_TARGET = "NODE_IPC_CONFORMANCE_TARGET"
ENV_MODE = "NODE_IPC_CONFORMANCE_MODE"
ENV_DELIMITER = "NODE_IPC_CONFORMANCE_DELIMITER"

#: The client's first frame, which tells the kit it is ready.
HELLO_DATA = {"id": "conformance"}
#: The code and message of the ``fail`` handler's error.
FAIL_CODE = "E_CONFORMANCE"
FAIL_MESSAGE = "failed on purpose"
#: Seconds a request made for ``ask`` waits for the kit's reply.
ASK_TIMEOUT = 5.0
#: Seconds between the client's connection attempts (and before it reconnects).
RETRY = 0.1
#: Seconds a graceful close on stop waits for the peer (the kit kills after 2 s).
STOP_CLOSE_TIMEOUT = 1.0

log = logging.getLogger("conformance_adapter")


class UsageError(Exception):
    """A bad argument or environment variable: exit status 2."""


class ConformanceError(Exception):
    """What the ``fail`` handler raises: sent as ``{"name", "message", "code"}``."""

    code = FAIL_CODE


@dataclass(frozen=True)
class Settings:
    role: str  # "server" or "client"
    path: Optional[str]  # a Unix socket, or None for TCP
    host: Optional[str]
    port: Optional[int]
    raw: bool
    delimiter: str

    def endpoint_options(self) -> Dict[str, Any]:
        options: Dict[str, Any] = {"raw": self.raw, "delimiter": self.delimiter, "missing": MISSING}
        if self.path is not None:
            options["path"] = self.path
        else:
            options["host"] = self.host
            options["port"] = self.port
        return options


def parse_target(text: str) -> Dict[str, Any]:
    """``unix:<path>`` or ``tcp:<host>:<port>`` (an IPv6 host may be written in brackets)."""
    kind, sep, rest = text.partition(":")
    if sep and kind == "unix" and rest:
        return {"path": rest, "host": None, "port": None}
    if sep and kind == "tcp":
        host, sep, port_text = rest.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if sep and host and port_text.isdigit() and 0 <= int(port_text) <= 65535:
            return {"path": None, "host": host, "port": int(port_text)}
    raise UsageError(f"{ENV_TARGET} must be unix:<path> or tcp:<host>:<port>, not {text!r}")


def settings_from(role: str, env: Mapping[str, str]) -> Settings:
    target = env.get(ENV_TARGET)
    if not target:
        raise UsageError(f"{ENV_TARGET} is not set")
    mode = env.get(ENV_MODE) or "json"
    if mode not in ("json", "raw"):
        raise UsageError(f"{ENV_MODE} must be json or raw, not {mode!r}")
    delimiter = "\f"
    literal = env.get(ENV_DELIMITER)
    if literal and mode == "json":
        try:
            delimiter = json.loads(literal)
        except ValueError:
            raise UsageError(f"{ENV_DELIMITER} must be a JSON string literal, not {literal!r}") from None
        if not isinstance(delimiter, str) or not delimiter:
            raise UsageError(f"{ENV_DELIMITER} must be a non-empty JSON string, not {literal!r}")
    return Settings(role=role, raw=mode == "raw", delimiter=delimiter, **parse_target(target))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _add(data: Any) -> Any:
    if not isinstance(data, dict) or not _is_number(data.get("a")) or not _is_number(data.get("b")):
        raise TypeError('add takes {"a": <number>, "b": <number>}')
    return data["a"] + data["b"]


def _fail(data: Any) -> Any:
    raise ConformanceError(FAIL_MESSAGE)


def _error_info(err: BaseException) -> Dict[str, Any]:
    """What ``asked`` reports of a failed request: the kit's own error when it answered with one
    (its ``code``, when it sent one, and ``message``), else the local failure's code and message
    (``ERR_IPC_TIMEOUT``, ``ERR_IPC_DISCONNECTED``, ...)."""
    remote = getattr(err, "remote", None)
    if isinstance(remote, dict):
        info = {"code": remote["code"]} if "code" in remote else {}
        info["message"] = remote.get("message", "")
        return info
    code = getattr(err, "code", None)
    return {"code": code if isinstance(code, str) else err.__class__.__name__, "message": str(getattr(err, "message", err))}


class Adapter:
    """The handlers of the contract, on a node_ipc Server or Client."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.endpoint: Union[Server, Client]
        if settings.role == "server":
            self.endpoint = Server(**settings.endpoint_options())
        else:
            self.endpoint = Client(**settings.endpoint_options())
        self._tasks: Set["asyncio.Future[Any]"] = set()
        if settings.raw:
            self._on("data", lambda chunk, conn: conn.write(chunk))
        else:
            self._on("echo", lambda data, conn: conn.emit("echo", data))
            self._on("broadcast", self._broadcast)
            self._on("ask", self._ask)
            self._on("farewell", self._farewell)
            self._handle("add", _add)
            self._handle("fail", _fail)
        self._on("error", self._error)
        if isinstance(self.endpoint, Client) and not settings.raw:
            self.endpoint.on("connect", lambda: self._client().emit("hello", HELLO_DATA))

    # -- role-neutral registration: every handler here gets (data, conn) -------------------------

    def _on(self, type: str, handler: Any) -> None:
        endpoint = self.endpoint
        if isinstance(endpoint, Server):
            endpoint.on(type, handler)
        else:
            endpoint.on(type, lambda data: handler(data, self._client_connection()))

    def _handle(self, type: str, handler: Any) -> None:
        endpoint = self.endpoint
        if isinstance(endpoint, Server):
            endpoint.handle(type, lambda data, conn: handler(data))
        else:
            endpoint.handle(type, handler)

    def _client(self) -> Client:
        assert isinstance(self.endpoint, Client)
        return self.endpoint

    def _client_connection(self) -> Optional[Connection]:
        return self._client().connection

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- the contract ----------------------------------------------------------------------------

    def _broadcast(self, data: Any, conn: Connection) -> None:
        if isinstance(self.endpoint, Server):
            self.endpoint.broadcast("broadcast", data)
        else:
            conn.emit("broadcast", data)

    def _ask(self, data: Any, conn: Connection) -> None:
        self._spawn(self._asking(data, conn))

    async def _asking(self, data: Any, conn: Connection) -> None:
        answer: Dict[str, Any]
        try:
            if not isinstance(data, dict) or not isinstance(data.get("type"), str):
                raise IpcError("ERR_INVALID_ARG_TYPE", 'ask takes {"type": <string>, "data": <any>}')
            result = await conn.request(data["type"], data.get("data", MISSING), timeout=ASK_TIMEOUT)
            answer = {} if result is MISSING else {"data": result}  # JSON.stringify drops undefined
        except Exception as err:  # every failure is the answer
            answer = {"error": _error_info(err)}
        if conn.connected:
            conn.emit("asked", answer)

    def _farewell(self, data: Any, conn: Connection) -> None:
        count = data if _is_number(data) and math.isfinite(data) else 0
        i = 1
        while i <= count:
            conn.emit("farewell", i)
            i += 1
        self._spawn(self._close(conn))

    async def _close(self, conn: Connection) -> None:
        try:
            await conn.close()
        except IpcError as err:
            log.warning("%s", err)

    def _error(self, err: BaseException, conn: Optional[Connection] = None) -> None:
        log.info("%s", err)  # garbage from the kit, on purpose; the connection goes on (or is closed)

    # -- running ---------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        if isinstance(self.endpoint, Server):
            await self._serve(self.endpoint, stop)
        else:
            await self._connect(self.endpoint, stop)

    async def _serve(self, server: Server, stop: asyncio.Event) -> None:
        await server.start()
        try:
            await stop.wait()
        finally:
            try:
                await server.close(STOP_CLOSE_TIMEOUT)
            except IpcError as err:
                log.warning("%s", err)

    async def _connect(self, client: Client, stop: asyncio.Event) -> None:
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                try:
                    await client.connect()
                except OSError:  # refused, missing, reset: the kit may not listen yet (or any more)
                    await asyncio.wait([stopping], timeout=RETRY)
                    continue
                connection = client.connection
                assert connection is not None
                closed = asyncio.ensure_future(connection.wait_closed())
                await asyncio.wait([stopping, closed], return_when=asyncio.FIRST_COMPLETED)
                if not closed.done():
                    closed.cancel()
                    break
                await asyncio.wait([stopping], timeout=RETRY)
        finally:
            stopping.cancel()
            try:
                await client.close(STOP_CLOSE_TIMEOUT)
            except IpcError as err:
                log.warning("%s", err)
        pending: List["asyncio.Future[Any]"] = list(self._tasks)
        for task in pending:
            task.cancel()


async def main_async(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await Adapter(settings).run(stop)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="conformance_adapter.py",
        description="Runs node_ipc.py as the server or client the node-ipc-ts conformance kit checks.",
    )
    parser.add_argument("role", choices=("server", "client"))
    args = parser.parse_args(argv)
    # Warnings on stderr (a handler that raised, a close that timed out); the faults the kit
    # causes on purpose are logged at INFO, unseen.
    logging.basicConfig(level=logging.WARNING, format="%(name)s %(levelname)s: %(message)s")
    try:
        settings = settings_from(args.role, os.environ)
    except UsageError as err:
        print(f"conformance_adapter.py: {err}", file=sys.stderr)
        return 2
    asyncio.run(main_async(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
