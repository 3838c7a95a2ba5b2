"""A Python peer remote-controlled over stdin/stdout, for spec/compat/python-peer.spec.ts.

The mirror image of node_driver.js: same arguments, same commands, same report lines, so the
jasmine spec drives this peer as the Python tests drive the Node one.

    python3 driver.py server unix <path> | server tcp <port> | server tls <port> <certs dir>
    python3 driver.py client unix <path> | client tcp <port> | client tls <port> <certs dir>

Commands, one JSON object per stdin line:
    {"op":"emit","type":T,"data":D,"to":ID}          (to: a server's client, by its data.id)
    {"op":"broadcast","type":T,"data":D}
    {"op":"seq","type":T,"count":N,"to":ID,"close":true}   emits {"i":0..N-1}, then closes at once
    {"op":"big","type":T,"bytes":N,"to":ID}           emits big_string(N), reports its sha256
    {"op":"request","tag":X,"type":T,"data":D,"timeout":S,"to":ID}
    {"op":"close"}                                    graceful close, reports "closed", exits
Reports, one JSON object per stdout line: ready, connect, disconnect, socket.disconnected,
message, sent, reply, rejected, error, closed.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import ssl
import sys
from typing import Any, Dict, Optional, Set, Union

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from node_ipc import MISSING, Client, Connection, IpcError, Server  # noqa: E402

MESSAGE_TYPES = ("hello", "news", "seq", "big", "last")
#: 32 UTF-8 bytes with everything JSON escapes or frames care about (as in node_driver.js).
BIG_UNIT = 'node-ipc "q" \\ \f\u2028 é€😀 ab'


def big_string(size: int) -> str:
    unit = len(BIG_UNIT.encode("utf-8"))
    return BIG_UNIT * math.ceil(size / unit)


def report(event: Dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def summary(data: Any) -> Any:
    if isinstance(data, str) and len(data) > 1000:
        encoded = data.encode("utf-8")
        return {"bytes": len(encoded), "sha256": hashlib.sha256(encoded).hexdigest()}
    return data


class RangeFailure(Exception):
    code = "E_X"


def fail(_data: Any, *_: Any) -> Any:
    raise RangeFailure("no")


class Driver:
    def __init__(self, role: str, transport: str, address: str, certs: Optional[str]) -> None:
        self.role = role
        self.endpoint: Union[Client, Server]
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        context: Optional[ssl.SSLContext] = None
        if transport == "tls":
            assert certs is not None
            if role == "server":
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                context.load_cert_chain(os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"))
            else:
                context = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
        if role == "server":
            if transport == "unix":
                self.endpoint = Server(path=address)
            else:
                self.endpoint = Server(host="127.0.0.1", port=int(address), ssl=context)
        elif transport == "unix":
            self.endpoint = Client(path=address)
        else:
            self.endpoint = Client(host="127.0.0.1", port=int(address), ssl=context, server_hostname="localhost")
        self._install()

    def _install(self) -> None:
        endpoint = self.endpoint
        server = isinstance(endpoint, Server)
        for type_ in MESSAGE_TYPES:
            endpoint.on(type_, self._reporter(type_, server))
        endpoint.handle("add", lambda data, *_: data["a"] + data["b"])
        endpoint.handle("status", lambda *_: {"up": True, "lang": "python"})
        endpoint.handle("fail", fail)
        endpoint.on("error", lambda err, *_: report({"event": "error", "code": getattr(err, "code", type(err).__name__), "message": str(err)}))
        if server:
            endpoint.on("connect", lambda conn: report({"event": "connect"}))
            endpoint.on("socket.disconnected", lambda conn, id: report({"event": "socket.disconnected", "id": id}))
        else:
            endpoint.on("disconnect", lambda: report({"event": "disconnect"}))

    @staticmethod
    def _reporter(type_: str, server: bool) -> Any:
        def handler(data: Any, conn: Optional[Connection] = None) -> None:
            event = {"event": "message", "type": type_, "data": summary(data)}
            if server:
                assert conn is not None
                event["from"] = conn.id
            report(event)

        return handler

    def target(self, to: Any) -> Connection:
        assert isinstance(self.endpoint, Server)
        for conn in self.endpoint.connections:
            if to is None or conn.id == to:
                return conn
        raise LookupError(f"no client {to!r}")

    def emit(self, to: Any, type_: str, data: Any) -> None:
        if isinstance(self.endpoint, Server):
            self.endpoint.emit(self.target(to), type_, data)
        else:
            self.endpoint.emit(type_, data)

    async def run(self, command: Dict[str, Any]) -> None:
        op = command["op"]
        to = command.get("to")
        if op == "emit":
            self.emit(to, command["type"], command.get("data", MISSING))
        elif op == "broadcast":
            assert isinstance(self.endpoint, Server)
            self.endpoint.broadcast(command["type"], command.get("data", MISSING))
        elif op == "seq":
            for i in range(command["count"]):
                self.emit(to, command["type"], {"i": i})
            if command.get("close"):
                await self.close()
        elif op == "big":
            data = big_string(command["bytes"])
            self.emit(to, command["type"], data)
            report({"event": "sent", "type": command["type"], **summary(data)})
        elif op == "request":
            try:
                timeout = command.get("timeout", 5)
                if isinstance(self.endpoint, Server):
                    reply = await self.endpoint.request(self.target(to), command["type"], command.get("data", MISSING), timeout=timeout)
                else:
                    reply = await self.endpoint.request(command["type"], command.get("data", MISSING), timeout=timeout)
                report({"event": "reply", "tag": command.get("tag"), "data": reply})
            except IpcError as err:
                report({"event": "rejected", "tag": command.get("tag"), "code": err.code, "remote": err.remote})
        elif op == "close":
            await self.close()
        else:
            raise ValueError(f"unknown op {op}")

    async def close(self) -> None:
        await self.endpoint.close()
        report({"event": "closed"})
        if not self.done.done():
            self.done.set_result(None)

    async def start(self) -> None:
        if isinstance(self.endpoint, Server):
            await self.endpoint.start()
            report({"event": "ready", "path": self.endpoint.path, "port": None if self.endpoint.path else self.endpoint.port})
        else:
            await self.endpoint.connect()
            report({"event": "ready"})

    async def commands(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        running: Set[asyncio.Future[None]] = set()
        while not self.done.done():
            line = await reader.readline()
            if not line:
                break
            if not line.strip():
                continue
            command = json.loads(line)
            task = asyncio.ensure_future(self.guarded(command))
            if command["op"] == "request":
                # Requests run concurrently with the commands after them.
                running.add(task)
                task.add_done_callback(running.discard)
            else:
                await task

    async def guarded(self, command: Dict[str, Any]) -> None:
        try:
            await self.run(command)
        except Exception as err:  # reported, so the controlling spec sees it
            report({"event": "failed", "op": command.get("op"), "message": str(err)})


async def main(argv: list[str]) -> None:
    role, transport, address = argv[0], argv[1], argv[2]
    certs = argv[3] if len(argv) > 3 else None
    driver = Driver(role, transport, address, certs)
    await driver.start()
    commands = asyncio.ensure_future(driver.commands())
    await asyncio.wait([commands, driver.done], return_when=asyncio.FIRST_COMPLETED)
    commands.cancel()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
