"""Tests of conformance_adapter.py without Node: the adapter runs as a subprocess, as the
conformance kit runs it, and a plain asyncio socket plays the kit's side.

    cd peers/python && python3 -m unittest test_conformance_adapter -v
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import unittest
from typing import Any, Dict, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from conformance_adapter import UsageError, parse_target, settings_from  # noqa: E402

ADAPTER = os.path.join(HERE, "conformance_adapter.py")
WAIT = 20.0  # seconds any single wait may take before the test fails
HELLO = b'{"type":"hello","data":{"id":"conformance"}}'

Stream = Tuple[asyncio.StreamReader, asyncio.StreamWriter]


def env_for(target: str, mode: str = "json", delimiter: Optional[str] = "\f") -> Dict[str, str]:
    env = dict(os.environ)
    env["NODE_IPC_CONFORMANCE_TARGET"] = target
    env["NODE_IPC_CONFORMANCE_MODE"] = mode
    if delimiter is not None:
        env["NODE_IPC_CONFORMANCE_DELIMITER"] = json.dumps(delimiter)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Kit:
    """The kit's end of one connection: frames split at a delimiter."""

    def __init__(self, stream: Stream, delimiter: bytes = b"\f") -> None:
        self.reader, self.writer = stream
        self.delimiter = delimiter

    def write(self, data: bytes) -> None:
        self.writer.write(data)

    def send(self, type: str, data: Any) -> None:
        self.writer.write(json.dumps({"type": type, "data": data}, separators=(",", ":")).encode() + self.delimiter)

    async def frame(self) -> bytes:
        frame = await asyncio.wait_for(self.reader.readuntil(self.delimiter), WAIT)
        return frame[: -len(self.delimiter)]

    async def message(self) -> Any:
        return json.loads(await self.frame())

    async def end_of_stream(self) -> bytes:
        """Everything until the adapter's end-of-stream."""
        return await asyncio.wait_for(self.reader.read(), WAIT)

    def close(self) -> None:
        self.writer.close()


class AdapterBase(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="pyconf-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.path = os.path.join(self.dir, "s.sock")
        asyncio.get_running_loop().slow_callback_duration = 5.0

    async def start(self, role: str, env: Dict[str, str]) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            sys.executable, ADAPTER, role, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )

        async def kill() -> None:
            if process.returncode is None:
                process.kill()
            await process.communicate()

        self.addAsyncCleanup(kill)
        return process

    async def stop(self, process: asyncio.subprocess.Process) -> Tuple[int, bytes]:
        """SIGTERM, as the kit stops an adapter; the exit status and what it wrote to stderr."""
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), WAIT)
        assert process.returncode is not None
        return process.returncode, stderr


class ServerRoleTests(AdapterBase):
    """``conformance_adapter.py server``: the test connects, as the kit does (retrying up to its start)."""

    async def serve(self, mode: str = "json", delimiter: Optional[str] = "\f", tcp: bool = False) -> asyncio.subprocess.Process:
        if tcp:
            self.port = free_port()
            self.target = f"tcp:127.0.0.1:{self.port}"
        else:
            self.target = f"unix:{self.path}"
        return await self.start("server", env_for(self.target, mode, delimiter))

    async def connect(self, delimiter: bytes = b"\f", retry: bool = True) -> Kit:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while True:
            try:
                if self.target.startswith("tcp:"):
                    stream = await asyncio.open_connection("127.0.0.1", self.port, limit=4 << 20)
                else:
                    stream = await asyncio.open_unix_connection(self.path, limit=4 << 20)
                kit = Kit(stream, delimiter)
                self.addCleanup(kit.close)
                return kit
            except (FileNotFoundError, ConnectionRefusedError):
                if not retry or loop.time() > deadline:
                    raise
                await asyncio.sleep(0.05)

    async def test_echo_of_frames_split_at_odd_bytes_many_in_one_write_and_unicode(self) -> None:
        await self.serve()
        kit = await self.connect()
        frame = '{"type":"echo","data":"é€😀 \\f \u2028"}\f'.encode()
        for i in range(0, len(frame), 3):  # three bytes per write: inside characters, and the delimiter alone
            kit.write(frame[i : i + 3])
            await kit.writer.drain()
            await asyncio.sleep(0.002)
        kit.write(b'{"type":"echo","data":1}\f{"type":"echo","data":[2]}\f{"type":"echo",')
        self.assertEqual(await kit.frame(), '{"type":"echo","data":"é€😀 \\f \u2028"}'.encode())
        self.assertEqual(await kit.frame(), b'{"type":"echo","data":1}')
        self.assertEqual(await kit.frame(), b'{"type":"echo","data":[2]}')
        kit.write(b'"data":null}\f{"type":"echo"}\f')
        self.assertEqual(await kit.frame(), b'{"type":"echo","data":null}')
        self.assertEqual(await kit.frame(), b'{"type":"echo","data":{}}')  # no payload: {} as node-ipc writes it

    async def test_a_one_mib_frame_and_a_thousand_in_order(self) -> None:
        await self.serve()
        kit = await self.connect()
        big = "é€😀x" * (1 << 18)
        kit.send("echo", big)
        self.assertEqual(await kit.message(), {"type": "echo", "data": big})
        kit.write(b"".join(b'{"type":"echo","data":%d}\f' % i for i in range(1000)))
        self.assertEqual([(await kit.message())["data"] for _ in range(1000)], list(range(1000)))

    async def test_requests_add_fail_and_any_other_type(self) -> None:
        await self.serve()
        kit = await self.connect()
        kit.write(
            b'{"type":"add","data":{"request":1,"data":{"a":2,"b":40}}}\f'
            b'{"type":"fail","data":{"request":2,"data":"x"}}\f'
            b'{"type":"nope","data":{"request":3}}\f'
        )
        self.assertEqual(await kit.frame(), b'{"type":"ipc.reply","data":{"reply":1,"data":42}}')
        self.assertEqual(
            await kit.frame(),
            b'{"type":"ipc.reply","data":{"reply":2,"error":{"name":"ConformanceError","message":"failed on purpose","code":"E_CONFORMANCE"}}}',
        )
        self.assertEqual(
            await kit.frame(),
            b'{"type":"ipc.reply","data":{"reply":3,"error":{"name":"IpcError","message":"No handler for requests of type \\"nope\\"","code":"ERR_IPC_NO_HANDLER"}}}',
        )

    async def test_ask_requests_from_the_kit_and_reports_the_reply(self) -> None:
        await self.serve()
        kit = await self.connect()
        kit.send("ask", {"type": "q", "data": {"x": 1}})
        self.assertEqual(await kit.frame(), b'{"type":"q","data":{"request":1,"data":{"x":1}}}')
        kit.write(b'{"type":"ipc.reply","data":{"reply":99,"data":"late"}}\f{"type":"ipc.reply","data":{"reply":1,"data":[7]}}\f')
        self.assertEqual(await kit.frame(), b'{"type":"asked","data":{"data":[7]}}')
        kit.send("ask", {"type": "q"})  # no payload: no inner data (section 6.1)
        self.assertEqual(await kit.frame(), b'{"type":"q","data":{"request":2}}')
        kit.write(b'{"type":"ipc.reply","data":{"reply":2,"error":{"name":"Error","message":"no","code":"E_KIT"}}}\f')
        self.assertEqual(await kit.frame(), b'{"type":"asked","data":{"error":{"code":"E_KIT","message":"no"}}}')
        kit.send("ask", {"type": "q", "data": None})
        self.assertEqual(await kit.frame(), b'{"type":"q","data":{"request":3,"data":null}}')
        kit.write(b'{"type":"ipc.reply","data":{"reply":3}}\f')
        self.assertEqual(await kit.frame(), b'{"type":"asked","data":{}}')  # a result without data: {"data": undefined}

    async def test_broadcast_reaches_every_connection(self) -> None:
        await self.serve()
        a = await self.connect()
        b = await self.connect()
        for kit, name in ((a, b"a"), (b, b"b")):  # both accepted once they answered
            kit.send("echo", name.decode())
            self.assertEqual(await kit.frame(), b'{"type":"echo","data":"' + name + b'"}')
        a.send("broadcast", {"n": 1})
        self.assertEqual(await a.frame(), b'{"type":"broadcast","data":{"n":1}}')
        self.assertEqual(await b.frame(), b'{"type":"broadcast","data":{"n":1}}')

    async def test_farewell_sends_n_frames_then_ends_that_connection_only(self) -> None:
        await self.serve()
        other = await self.connect()
        kit = await self.connect()
        kit.send("farewell", 3)
        self.assertEqual(
            await kit.end_of_stream(),
            b'{"type":"farewell","data":1}\f{"type":"farewell","data":2}\f{"type":"farewell","data":3}\f',
        )
        other.send("echo", "still")
        self.assertEqual(await other.frame(), b'{"type":"echo","data":"still"}')

    async def test_every_echo_arrives_before_the_end_of_stream_after_a_half_close(self) -> None:
        await self.serve()
        kit = await self.connect()
        kit.write(b"".join(b'{"type":"echo","data":%d}\f' % i for i in range(100)) + b'{"type":"echo","data":"unfinished')
        kit.writer.write_eof()
        frames = (await kit.end_of_stream()).split(b"\f")
        self.assertEqual(frames[-1], b"")
        self.assertEqual([json.loads(f)["data"] for f in frames[:-1]], list(range(100)))

    async def test_garbage_leaves_the_connection_and_the_server_serving(self) -> None:
        await self.serve()
        kit = await self.connect()
        kit.write(b'\f{"type":\f42\f{"type":5}\f\xff\xfe\f')
        kit.send("echo", "after")
        self.assertEqual(await kit.frame(), b'{"type":"echo","data":"after"}')
        junk = await self.connect()
        junk.write(bytes((i * 7919 + 13) & 0xFF for i in range(4096)))
        await junk.writer.drain()
        junk.writer.transport.abort()
        fresh = await self.connect(retry=False)
        fresh.send("echo", "new")
        self.assertEqual(await fresh.frame(), b'{"type":"echo","data":"new"}')

    async def test_sigterm_ends_connections_removes_the_socket_and_exits_0(self) -> None:
        process = await self.serve()
        kit = await self.connect()
        kit.send("echo", 1)
        self.assertEqual(await kit.frame(), b'{"type":"echo","data":1}')
        status, stderr = await self.stop(process)
        self.assertEqual(status, 0, stderr)
        self.assertEqual(await kit.end_of_stream(), b"")
        self.assertFalse(os.path.exists(self.path))

    async def test_raw_mode_echoes_bytes(self) -> None:
        process = await self.serve(mode="raw", delimiter=None)
        kit = await self.connect()
        every_byte = bytes(range(256)) * 64
        kit.write(b'{"type":"echo","data":1}\f' + every_byte)
        kit.writer.write_eof()
        self.assertEqual(await kit.end_of_stream(), b'{"type":"echo","data":1}\f' + every_byte)
        status, stderr = await self.stop(process)
        self.assertEqual(status, 0, stderr)

    async def test_a_crlf_delimiter_split_inside_it_over_tcp(self) -> None:
        await self.serve(delimiter="\r\n", tcp=True)
        kit = await self.connect(b"\r\n")
        kit.write(b'{"type":"echo","data":"a\\r\\nb\\f"}\r')
        await kit.writer.drain()
        await asyncio.sleep(0.02)
        kit.write(b'\n{"type":"add","data":{"request":1,"data":{"a":1,"b":2}}}\r\n{"type":"farewell","data":1}\r\n')
        self.assertEqual(
            await kit.end_of_stream(),
            b'{"type":"echo","data":"a\\r\\nb\\f"}\r\n{"type":"ipc.reply","data":{"reply":1,"data":3}}\r\n{"type":"farewell","data":1}\r\n',
        )


class ClientRoleTests(AdapterBase):
    """``conformance_adapter.py client``: the test listens, as the kit does, and starts the client."""

    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self.accepted: "asyncio.Queue[Stream]" = asyncio.Queue()

        async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await self.accepted.put((reader, writer))

        self.listener = await asyncio.start_unix_server(accept, self.path, limit=4 << 20)
        self.addAsyncCleanup(self.close_listener)

    async def close_listener(self) -> None:
        self.listener.close()
        await self.listener.wait_closed()

    async def next_connection(self, delimiter: bytes = b"\f") -> Kit:
        kit = Kit(await asyncio.wait_for(self.accepted.get(), WAIT), delimiter)
        self.addCleanup(kit.close)
        return kit

    async def test_hello_first_then_echo_broadcast_requests_and_ask(self) -> None:
        await self.start("client", env_for(f"unix:{self.path}"))
        kit = await self.next_connection()
        self.assertEqual(await kit.frame(), HELLO)
        kit.write(b'{"type":"echo","data":"\xc3')  # split inside é
        await kit.writer.drain()
        await asyncio.sleep(0.02)
        kit.write(b'\xa9"}\f{"type":"broadcast","data":2}\f{"type":"add","data":{"request":5,"data":{"a":1,"b":1}}}\f')
        kit.write(b'{"type":"fail","data":{"request":6}}\f{"type":"ask","data":{"type":"status"}}\f')
        self.assertEqual(await kit.frame(), '{"type":"echo","data":"é"}'.encode())
        self.assertEqual(await kit.frame(), b'{"type":"broadcast","data":2}')
        self.assertEqual(await kit.frame(), b'{"type":"ipc.reply","data":{"reply":5,"data":2}}')
        self.assertEqual((await kit.message())["data"]["error"]["code"], "E_CONFORMANCE")
        self.assertEqual(await kit.frame(), b'{"type":"status","data":{"request":1}}')
        kit.write(b'{"type":"ipc.reply","data":{"reply":1,"data":{"up":true}}}\f')
        self.assertEqual(await kit.frame(), b'{"type":"asked","data":{"data":{"up":true}}}')

    async def test_farewell_closes_and_the_client_connects_again(self) -> None:
        process = await self.start("client", env_for(f"unix:{self.path}"))
        kit = await self.next_connection()
        self.assertEqual(await kit.frame(), HELLO)
        kit.send("farewell", 2)
        self.assertEqual(await kit.end_of_stream(), b'{"type":"farewell","data":1}\f{"type":"farewell","data":2}\f')
        kit.close()
        again = await self.next_connection()
        self.assertEqual(await again.frame(), HELLO)
        status, stderr = await self.stop(process)
        self.assertEqual(status, 0, stderr)
        self.assertEqual(await again.end_of_stream(), b"")

    async def test_a_client_started_before_the_kit_listens_retries(self) -> None:
        await self.close_listener()
        if os.path.exists(self.path):
            os.unlink(self.path)
        await self.start("client", env_for(f"unix:{self.path}"))
        await asyncio.sleep(0.3)
        self.listener = await asyncio.start_unix_server(lambda r, w: self.accepted.put_nowait((r, w)), self.path)
        kit = await self.next_connection()
        self.assertEqual(await kit.frame(), HELLO)

    async def test_raw_mode_sends_nothing_first_and_echoes_bytes(self) -> None:
        await self.start("client", env_for(f"unix:{self.path}", "raw", None))
        kit = await self.next_connection()
        with self.assertRaises(asyncio.TimeoutError):
            await asyncio.wait_for(kit.reader.read(1), 0.2)
        every_byte = bytes(range(256)) * 16
        kit.write(every_byte)
        self.assertEqual(await asyncio.wait_for(kit.reader.readexactly(len(every_byte)), WAIT), every_byte)

    async def test_a_crlf_delimiter(self) -> None:
        await self.start("client", env_for(f"unix:{self.path}", "json", "\r\n"))
        kit = await self.next_connection(b"\r\n")
        self.assertEqual(await kit.frame(), HELLO)
        kit.write(b'{"type":"echo","data":"x"}\r')
        await kit.writer.drain()
        await asyncio.sleep(0.02)
        kit.write(b"\n")
        self.assertEqual(await kit.frame(), b'{"type":"echo","data":"x"}')


class SettingsTests(unittest.TestCase):
    def test_targets(self) -> None:
        self.assertEqual(parse_target("unix:/tmp/a:b"), {"path": "/tmp/a:b", "host": None, "port": None})
        self.assertEqual(parse_target("tcp:127.0.0.1:8000"), {"path": None, "host": "127.0.0.1", "port": 8000})
        self.assertEqual(parse_target("tcp:[::1]:9"), {"path": None, "host": "::1", "port": 9})
        for bad in ("", "/tmp/x", "unix:", "tcp:host", "tcp::80", "tcp:h:x", "tcp:h:70000", "udp:h:1"):
            with self.assertRaises(UsageError, msg=bad):
                parse_target(bad)

    def test_mode_and_delimiter(self) -> None:
        target = {"NODE_IPC_CONFORMANCE_TARGET": "unix:/s"}
        plain = settings_from("server", target)
        self.assertEqual((plain.raw, plain.delimiter, plain.path), (False, "\f", "/s"))
        crlf = settings_from("client", {**target, "NODE_IPC_CONFORMANCE_DELIMITER": '"\\r\\n"'})
        self.assertEqual(crlf.delimiter, "\r\n")
        self.assertTrue(settings_from("server", {**target, "NODE_IPC_CONFORMANCE_MODE": "raw"}).raw)
        for bad in ({}, {**target, "NODE_IPC_CONFORMANCE_MODE": "xml"}, {**target, "NODE_IPC_CONFORMANCE_DELIMITER": "\\f"},
                    {**target, "NODE_IPC_CONFORMANCE_DELIMITER": '""'}, {**target, "NODE_IPC_CONFORMANCE_DELIMITER": "12"}):
            with self.assertRaises(UsageError, msg=repr(bad)):
                settings_from("server", bad)

    def test_a_usage_error_exits_2(self) -> None:
        result = subprocess.run(
            [sys.executable, ADAPTER, "server"],
            env=env_for("nowhere"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=WAIT,
        )
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"NODE_IPC_CONFORMANCE_TARGET", result.stderr)


if __name__ == "__main__":
    unittest.main()
