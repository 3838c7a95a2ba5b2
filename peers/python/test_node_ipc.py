"""Tests of node_ipc.py: standard library only.

    cd peers/python && python3 -m unittest -v

- Framing and envelope units, checked against the byte dumps of docs/PROTOCOL.md.
- Python client against Python server, over Unix sockets, TCP and TLS.
- Interop with node-ipc-ts (when ``node`` is on PATH and ``npm run build`` made ``dist/``):
  node_driver.js, a node-ipc-ts peer this file drives over stdin/stdout, plays the other side.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import shutil
import socket
import ssl
import sys
import tempfile
import unittest
from typing import Any, Awaitable, Callable, Dict, List, Tuple, TypeVar

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from node_ipc import (  # noqa: E402
    MAX_CORRELATION,
    MISSING,
    Client,
    Connection,
    FrameDecoder,
    IpcError,
    Server,
    decode_message,
    encode_message,
    js_truthy,
    socket_path,
)

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
NODE = shutil.which("node")
NODE_DRIVER = os.path.join(HERE, "node_driver.js")
DIST = os.path.join(ROOT, "dist", "index.js")
CERTS = os.path.join(ROOT, "example", "certs")
HAS_CERTS = os.path.exists(os.path.join(CERTS, "server.pem"))
T = TypeVar("T")
WAIT = 20.0  # seconds any single wait may take before the test fails, naming what it waited for

#: What node_driver.js and driver.py send as their 16 MiB message (32 UTF-8 bytes, repeated).
BIG_UNIT = 'node-ipc "q" \\ \f\u2028 é€😀 ab'
MIB16 = 16 * 1024 * 1024


def hexdump(text: str) -> bytes:
    """The bytes of a PROTOCOL.md dump, given as its hex columns."""
    return bytes.fromhex(text)


def stream_of(messages: List[Tuple[str, Any]], delimiter: bytes) -> bytes:
    return b"".join(encode_message(t, d, delimiter) for t, d in messages)


def decode_all(frames: List[bytes]) -> List[Tuple[str, Any]]:
    return [decode_message(frame) for frame in frames]


# ---------------------------------------------------------------------------------------------
# Units: framing (section 2), envelope (section 3), requests (section 6)
# ---------------------------------------------------------------------------------------------


class EncodeTests(unittest.TestCase):
    def test_writes_the_bytes_of_the_protocol_dumps(self) -> None:
        # Section 2.4: emit('message', 'hi!')
        self.assertEqual(
            encode_message("message", "hi!"),
            hexdump(
                "7b 22 74 79 70 65 22 3a  22 6d 65 73 73 61 67 65"
                "22 2c 22 64 61 74 61 22  3a 22 68 69 21 22 7d 0c"
            ),
        )
        # Section 2.4: multi-byte UTF-8 and an escaped form feed, 37 bytes
        self.assertEqual(
            encode_message("text", "é€😀\f"),
            hexdump(
                "7b 22 74 79 70 65 22 3a  22 74 65 78 74 22 2c 22"
                "64 61 74 61 22 3a 22 c3  a9 e2 82 ac f0 9f 98 80"
                "5c 66 22 7d 0c"
            ),
        )
        # Section 2.4: a custom two-byte delimiter
        self.assertEqual(
            encode_message("a", 1, "\r\n") + encode_message("b", 2, "\r\n"),
            b'{"type":"a","data":1}\r\n{"type":"b","data":2}\r\n',
        )
        # Section 6.4: request('add', {a: 1, b: 2}) and its reply
        self.assertEqual(
            encode_message("add", {"request": 1, "data": {"a": 1, "b": 2}}),
            b'{"type":"add","data":{"request":1,"data":{"a":1,"b":2}}}\x0c',
        )
        self.assertEqual(encode_message("ipc.reply", {"reply": 1, "data": 3}), b'{"type":"ipc.reply","data":{"reply":1,"data":3}}\x0c')

    def test_a_missing_payload_is_written_as_an_empty_object_as_node_ipc_9_and_10_do(self) -> None:
        self.assertEqual(encode_message("ping"), b'{"type":"ping","data":{}}\x0c')
        self.assertEqual(encode_message("ping", MISSING), b'{"type":"ping","data":{}}\x0c')
        self.assertEqual(encode_message("nul", None), b'{"type":"nul","data":null}\x0c')
        self.assertEqual(encode_message("zero", 0), b'{"type":"zero","data":0}\x0c')
        self.assertEqual(encode_message("no", False), b'{"type":"no","data":false}\x0c')

    def test_writes_compact_utf8_and_escapes_what_json_stringify_escapes(self) -> None:
        self.assertEqual(encode_message("t", {"k": [1, "\u2028"]}), '{"type":"t","data":{"k":[1,"\u2028"]}}\f'.encode("utf-8"))
        # A lone surrogate cannot be UTF-8: it is escaped, as JSON.stringify escapes it.
        self.assertEqual(encode_message("t", "a\ud800"), b'{"type":"t","data":"a\\ud800"}\x0c')

    def test_refuses_what_json_cannot_hold_and_frames_holding_the_delimiter(self) -> None:
        with self.assertRaises(ValueError):
            encode_message("t", math.nan)
        with self.assertRaises(TypeError):
            encode_message("t", object())
        with self.assertRaises(TypeError):
            encode_message(7, 1)  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            encode_message("t", "END", "END")
        # Compact JSON escapes a newline, so "\n" is a safe delimiter.
        self.assertEqual(encode_message("t", "a\nb", "\n"), b'{"type":"t","data":"a\\nb"}\n')


class DecodeTests(unittest.TestCase):
    def test_reads_type_and_data_and_ignores_other_members(self) -> None:
        self.assertEqual(decode_message(b'{"data":[1],"x":2,"type":"t"}'), ("t", [1]))
        self.assertEqual(decode_message(b' {"type" : "t"} '), ("t", None))  # missing data: None
        self.assertEqual(decode_message('{"type":"é","data":"😀"}'.encode()), ("é", "😀"))

    def test_a_missing_data_can_be_told_from_null(self) -> None:
        self.assertIs(decode_message(b'{"type":"t"}', MISSING)[1], MISSING)
        self.assertIsNone(decode_message(b'{"type":"t","data":null}', MISSING)[1])
        self.assertEqual(decode_message(b'{"type":"t","data":0}', MISSING), ("t", 0))

    def test_reports_section_3_1_failures_with_their_codes(self) -> None:
        cases = {
            b"": "ERR_IPC_INVALID_JSON",
            b"{": "ERR_IPC_INVALID_JSON",
            b'{"type":"t","data":NaN}': "ERR_IPC_INVALID_JSON",
            b'{"type":"t","data":Infinity}': "ERR_IPC_INVALID_JSON",
            b'\xef\xbb\xbf{"type":"t"}': "ERR_IPC_INVALID_JSON",  # JSON.parse refuses a BOM too
            b"42": "ERR_IPC_INVALID_MESSAGE",
            b'"x"': "ERR_IPC_INVALID_MESSAGE",
            b"null": "ERR_IPC_INVALID_MESSAGE",
            b"true": "ERR_IPC_INVALID_MESSAGE",
            b"[]": "ERR_IPC_INVALID_EVENT",
            b'["t"]': "ERR_IPC_INVALID_EVENT",
            b"{}": "ERR_IPC_INVALID_EVENT",
            b'{"type":1}': "ERR_IPC_INVALID_EVENT",
            b'{"type":null,"data":1}': "ERR_IPC_INVALID_EVENT",
        }
        for frame, code in cases.items():
            with self.subTest(frame=frame):
                with self.assertRaises(IpcError) as caught:
                    decode_message(frame)
                self.assertEqual(caught.exception.code, code)

    def test_replaces_ill_formed_utf8_as_node_does(self) -> None:
        self.assertEqual(decode_message(b'{"type":"t","data":"a\xffb"}'), ("t", "a\ufffdb"))


#: "₭" is e2 82 ad: its first two bytes are those of "€" (e2 82 ac) in the messages.
DELIMITERS = [b"\f", b"\r\n", b"END", "₭".encode("utf-8"), b"\x00\x00"]
MESSAGES: List[Tuple[str, Any]] = [
    ("t", "é€😀"),
    ("a", 1),
    ("u", "\u2028 \f"),
    ("b", {"x": ["E", "N", "D"]}),
]


class FrameDecoderTests(unittest.TestCase):
    def expected(self) -> List[Tuple[str, Any]]:
        return list(MESSAGES)

    def test_every_split_point_delivers_every_message_once_in_order(self) -> None:
        for delimiter in DELIMITERS:
            stream = stream_of(MESSAGES, delimiter)
            for i in range(len(stream) + 1):
                with self.subTest(delimiter=delimiter, split=i):
                    decoder = FrameDecoder(delimiter)
                    frames = decoder.push(stream[:i]) + decoder.push(stream[i:])
                    self.assertEqual(decode_all(frames), self.expected())
                    self.assertEqual(decoder.pending_bytes, 0)

    def test_every_pair_of_split_points(self) -> None:
        for delimiter in (b"\f", "₭".encode("utf-8")):
            stream = stream_of(MESSAGES[:2], delimiter)
            for i in range(len(stream) + 1):
                for j in range(i, len(stream) + 1):
                    decoder = FrameDecoder(delimiter)
                    frames = decoder.push(stream[:i]) + decoder.push(stream[i:j]) + decoder.push(stream[j:])
                    self.assertEqual(decode_all(frames), MESSAGES[:2], (delimiter, i, j))

    def test_one_byte_per_chunk(self) -> None:
        for delimiter in DELIMITERS:
            stream = stream_of(MESSAGES, delimiter)
            decoder = FrameDecoder(delimiter)
            frames: List[bytes] = []
            for k in range(len(stream)):
                frames += decoder.push(stream[k : k + 1])
            self.assertEqual(decode_all(frames), self.expected(), delimiter)

    def test_many_frames_in_one_chunk_and_a_chunk_that_ends_inside_the_next(self) -> None:
        # The chunking example of section 2.4.
        decoder = FrameDecoder(b"\f")
        first = decoder.push(b'{"type":"a","data":1}\f{"type":"b","data":2}\f{"type":"c",')
        self.assertEqual(decode_all(first), [("a", 1), ("b", 2)])
        self.assertEqual(decode_all(decoder.push(b'"data":3}\f')), [("c", 3)])
        decoder = FrameDecoder(b"END")
        frames = decoder.push(b'{"type":"a","data":1}E') + decoder.push(b"N") + decoder.push(b'D{"type":"b","data":2}END')
        self.assertEqual(decode_all(frames), [("a", 1), ("b", 2)])

    def test_an_empty_frame_is_a_frame(self) -> None:
        decoder = FrameDecoder(b"\f")
        self.assertEqual(decoder.push(b'\f{"type":"a"}\f\f'), [b"", b'{"type":"a"}', b""])

    def test_occurrences_of_the_delimiter_do_not_overlap(self) -> None:
        decoder = FrameDecoder(b"aa")
        self.assertEqual(decoder.push(b"xaaay"), [b"x"])
        self.assertEqual(decoder.push(b"aa"), [b"ay"])

    def test_a_frame_of_exactly_the_limit_is_accepted_one_byte_more_is_not(self) -> None:
        for delimiter in DELIMITERS:
            size = len(delimiter)
            frame = b"x" * 100
            with self.subTest(delimiter=delimiter, chunks="one"):
                ok = FrameDecoder(delimiter, 100)
                self.assertEqual(ok.push(frame + delimiter), [frame])
                self.assertIsNone(ok.error)
                too_big = FrameDecoder(delimiter, 99)
                self.assertEqual(too_big.push(b"a" + delimiter + frame + delimiter + b"b" + delimiter), [b"a"])
                self.assertIsNotNone(too_big.error)
                assert too_big.error is not None
                self.assertEqual(too_big.error.code, "ERR_IPC_FRAME_TOO_LARGE")
                self.assertEqual(too_big.push(b"c" + delimiter), [])  # dead after the fault
            with self.subTest(delimiter=delimiter, chunks="bytewise"):
                ok = FrameDecoder(delimiter, 100)
                got: List[bytes] = []
                for byte in frame + delimiter:
                    got += ok.push(bytes([byte]))
                    self.assertIsNone(ok.error)
                self.assertEqual(got, [frame])
            with self.subTest(delimiter=delimiter, chunks="unfinished"):
                # An unfinished frame fails as soon as it cannot be a frame of the limit plus
                # a delimiter still arriving: at limit + len(delimiter) bytes, not one before.
                decoder = FrameDecoder(delimiter, 100)
                decoder.push(b"y" * (100 + size - 1))
                self.assertIsNone(decoder.error)
                self.assertEqual(decoder.pending_bytes, 100 + size - 1)
                decoder.push(b"y")
                self.assertIsNotNone(decoder.error)
                self.assertEqual(decoder.pending_bytes, 0)  # nothing more is buffered

    def test_a_limit_of_the_second_frame_split_across_chunks(self) -> None:
        decoder = FrameDecoder(b"\f", 10)
        self.assertEqual(decoder.push(b"0123456789\f01234"), [b"0123456789"])
        self.assertEqual(decoder.push(b"56789\f"), [b"0123456789"])
        self.assertEqual(decoder.push(b"01234"), [])
        self.assertEqual(decoder.push(b"567890\f"), [])
        self.assertIsNotNone(decoder.error)

    def test_a_large_frame_in_many_chunks(self) -> None:
        payload = "é" * (1 << 20)
        stream = encode_message("big", payload)
        decoder = FrameDecoder(b"\f")
        frames: List[bytes] = []
        for k in range(0, len(stream), 65536):
            frames += decoder.push(stream[k : k + 65536])
        self.assertEqual(decode_all(frames), [("big", payload)])

    def test_refuses_an_empty_delimiter(self) -> None:
        with self.assertRaises(ValueError):
            FrameDecoder(b"")


class HelperTests(unittest.TestCase):
    def test_socket_path_joins_root_appspace_and_id(self) -> None:
        self.assertEqual(socket_path("world"), "/tmp/app.world")
        self.assertEqual(socket_path("w", "/run/x/", "my."), "/run/x/my.w")
        self.assertEqual(Client("world").path, "/tmp/app.world")
        self.assertEqual(Server("world", socket_root="/r/", appspace="").path, "/r/world")
        self.assertTrue(Client(port=9).tcp)
        self.assertEqual((Client(port=9).host, Server(host="::1").port), ("127.0.0.1", 8000))

    def test_js_truthy(self) -> None:
        value: Any
        for value in ("a", 1, -1, 0.5, True, {}, [], {"a": 1}):
            self.assertTrue(js_truthy(value), value)
        for value in ("", 0, 0.0, math.nan, False, None, MISSING):
            self.assertFalse(js_truthy(value), value)


# ---------------------------------------------------------------------------------------------
# Python client and Python server
# ---------------------------------------------------------------------------------------------


class Waiter:
    """Collects calls of a handler; awaits a number of them with a deadline (no sleeps)."""

    def __init__(self) -> None:
        self.calls: List[Tuple[Any, ...]] = []
        self._event = asyncio.Event()

    def __call__(self, *args: Any) -> None:
        self.calls.append(args)
        self._event.set()

    async def wait(self, count: int = 1, what: str = "calls") -> List[Tuple[Any, ...]]:
        async def until() -> None:
            while len(self.calls) < count:
                self._event.clear()
                await self._event.wait()

        try:
            await asyncio.wait_for(until(), WAIT)
        except asyncio.TimeoutError:
            raise AssertionError(f"timed out with {len(self.calls)} of {count} {what}") from None
        return self.calls[:count]


async def bounded(awaitable: Awaitable[T]) -> T:
    """Awaits something that should end by a timeout of its own; fails the test after WAIT if it does not."""
    try:
        return await asyncio.wait_for(awaitable, WAIT)
    except asyncio.TimeoutError:
        raise AssertionError(f"still waiting after {WAIT} s: its own timeout did not end it") from None


async def joined(waiter: Waiter, size: int) -> bytes:
    """The bytes of raw-mode 'data' calls, once at least `size` arrived (chunking is arbitrary)."""
    count = 1
    while True:
        data = b"".join(call[0] for call in await waiter.wait(count, f"chunks making {size} bytes"))
        if len(data) >= size:
            return data
        count += 1


def tls_contexts() -> Tuple[ssl.SSLContext, ssl.SSLContext]:
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(os.path.join(CERTS, "server.pem"), os.path.join(CERTS, "server.key"))
    client = ssl.create_default_context(cafile=os.path.join(CERTS, "ca.pem"))
    return server, client


class PairBase(unittest.IsolatedAsyncioTestCase):
    transport = "unix"

    async def asyncSetUp(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="ipc-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.connects: Dict[int, Waiter] = {}
        # The test loop runs in asyncio debug mode, which reports every callback over 0.1 s;
        # parsing a 16 MiB frame takes longer than that, by design.
        asyncio.get_running_loop().slow_callback_duration = 5.0

    async def serve(self, **options: Any) -> Server:
        if self.transport == "unix":
            server = Server(path=os.path.join(self.dir, "s.sock"), **options)
        elif self.transport == "tcp":
            server = Server(port=0, **options)
        else:
            server = Server(port=0, ssl=tls_contexts()[0], **options)
        self.connects[id(server)] = Waiter()
        server.on("connect", self.connects[id(server)])
        await server.start()
        self.addAsyncCleanup(server.close, 1.0)
        return server

    async def connect(self, server: Server, **options: Any) -> Client:
        if self.transport == "unix":
            client = Client(path=server.path, **options)
        elif self.transport == "tcp":
            client = Client(port=server.port, **options)
        else:
            client = Client(port=server.port, ssl=tls_contexts()[1], server_hostname="localhost", **options)
        await client.connect()
        self.addAsyncCleanup(client.close, 1.0)
        return client

    async def accepted(self, server: Server, count: int = 1) -> None:
        """Waits until the server saw `count` connections (the client's connect() returns first)."""
        await self.connects[id(server)].wait(count, "connections")


class PairTests(PairBase):
    async def test_events_both_ways_broadcast_and_the_peer_id(self) -> None:
        server = await self.serve()
        hello, gone = Waiter(), Waiter()
        server.on("hello", hello)
        server.on("socket.disconnected", gone)
        server.on("hello", lambda data, conn: server.emit(conn, "hello", {"to": data["id"]}))
        a, b = await self.connect(server), await self.connect(server)
        got_a, got_b, news_a, news_b = Waiter(), Waiter(), Waiter(), Waiter()
        a.on("hello", got_a)
        b.on("hello", got_b)
        a.on("news", news_a)
        b.on("news", news_b)
        a.emit("hello", {"id": "a", "text": "Zoë 😀"})
        b.emit("hello", {"id": "b"})
        self.assertEqual(await got_a.wait(), [({"to": "a"},)])
        self.assertEqual(await got_b.wait(), [({"to": "b"},)])
        self.assertEqual(hello.calls[0][0], {"id": "a", "text": "Zoë 😀"})
        self.assertEqual(sorted(conn.id for conn in server.connections), ["a", "b"])
        server.broadcast("news", [1, "two"])
        server.broadcast("news")
        self.assertEqual(await news_a.wait(2), [([1, "two"],), ({},)])
        self.assertEqual(await news_b.wait(2), [([1, "two"],), ({},)])
        # A falsy id does not rename; any truthy one does, of any type of message.
        a.emit("other", {"id": ""})
        a.emit("other", {"id": "a2"})
        await a.close()
        self.assertEqual((await gone.wait())[0][1], "a2")

    async def test_no_id_is_reported_as_none(self) -> None:
        server = await self.serve()
        gone = Waiter()
        server.on("socket.disconnected", gone)
        client = await self.connect(server)
        client.emit("x", {"i": 1})
        await client.close()
        self.assertIsNone((await gone.wait())[0][1])

    async def test_requests_each_way(self) -> None:
        server = await self.serve()
        server.handle("add", lambda data, conn: data["a"] + data["b"])

        async def slow(data: Any, conn: Connection) -> Any:
            await asyncio.sleep(0)
            return {"echo": data}

        server.handle("slow", slow)
        client = await self.connect(server)
        client.handle("status", lambda data: {"up": True, "got": data})
        await self.accepted(server)
        self.assertEqual(await client.request("add", {"a": 1, "b": 2}, timeout=5), 3)
        self.assertEqual(await client.request("slow", "x", timeout=5), {"echo": "x"})
        self.assertEqual(await client.request("slow", timeout=5), {"echo": None})
        conn = server.connections[0]
        self.assertEqual(await server.request(conn, "status", timeout=5), {"up": True, "got": None})
        self.assertEqual(await conn.request("status", [1], timeout=5), {"up": True, "got": [1]})
        many = await asyncio.gather(*(client.request("add", {"a": i, "b": 1}, timeout=5) for i in range(100)))
        self.assertEqual(many, [i + 1 for i in range(100)])

    async def test_request_failures(self) -> None:
        server = await self.serve()

        class Refused(Exception):
            code = "E_X"

        def refuse(data: Any, conn: Connection) -> Any:
            raise Refused("no")

        async def refuse_later(data: Any, conn: Connection) -> Any:
            raise ValueError("later")

        server.handle("refuse", refuse)
        server.handle("later", refuse_later)
        server.handle("cycle", lambda data, conn: object())
        server.handle("trace", refuse, expose_stack=True)
        client = await self.connect(server)
        for type_, code, remote in (
            ("refuse", "ERR_IPC_REMOTE", {"name": "Refused", "message": "no", "code": "E_X"}),
            ("later", "ERR_IPC_REMOTE", {"name": "ValueError", "message": "later"}),
            ("nope", "ERR_IPC_NO_HANDLER", {"name": "IpcError", "message": 'No handler for requests of type "nope"', "code": "ERR_IPC_NO_HANDLER"}),
        ):
            with self.subTest(type=type_):
                with self.assertRaises(IpcError) as caught:
                    await client.request(type_, timeout=5)
                self.assertEqual(caught.exception.code, code)
                self.assertEqual(caught.exception.remote, remote)
        with self.assertRaises(IpcError) as caught:
            await client.request("cycle", timeout=5)
        self.assertEqual((caught.exception.code, caught.exception.remote and caught.exception.remote["name"]), ("ERR_IPC_REMOTE", "TypeError"))
        with self.assertRaises(IpcError) as caught:
            await client.request("trace", timeout=5)
        self.assertIn("Traceback", (caught.exception.remote or {}).get("stack", ""))
        # Built-in names are never answered with ERR_IPC_NO_HANDLER: the requester times out.
        # (The server, with no 'error' handler, logs the message it got under that name.)
        with self.assertRaises(IpcError) as caught, self.assertLogs("node_ipc", "WARNING"):
            await bounded(client.request("error", timeout=0.05))
        self.assertEqual(caught.exception.code, "ERR_IPC_TIMEOUT")

    async def test_a_peer_without_handlers_stays_silent_and_the_request_times_out(self) -> None:
        server = await self.serve()
        seen = Waiter()
        server.on("ask", seen)
        client = await self.connect(server)
        with self.assertRaises(IpcError) as caught:
            await bounded(client.request("ask", {"q": 1}, timeout=0.05))
        self.assertEqual(caught.exception.code, "ERR_IPC_TIMEOUT")
        # The request reached the ordinary listener, with the envelope as its data.
        self.assertEqual((await seen.wait())[0][0], {"request": 1, "data": {"q": 1}})
        self.assertEqual(client._conn()._pending, {})  # nothing left behind

    async def test_a_late_reply_is_ignored_and_a_pending_request_fails_when_the_connection_drops(self) -> None:
        server = await self.serve()
        asked = Waiter()
        server.on("ask", asked)
        client = await self.connect(server)
        with self.assertRaises(IpcError):
            await bounded(client.request("ask", timeout=0.01))
        server.emit(server.connections[0], "ipc.reply", {"reply": 1, "data": "late"})
        pending = asyncio.ensure_future(client.request("ask", timeout=10))
        await asked.wait(2)
        server.connections[0].abort()
        with self.assertRaises(IpcError) as caught:
            await pending
        self.assertEqual(caught.exception.code, "ERR_IPC_DISCONNECTED")
        with self.assertRaises(IpcError) as caught:
            await client.request("ask")
        self.assertEqual(caught.exception.code, "ERR_IPC_NOT_CONNECTED")
        # A reply that meets a request already settled (timed out in the same turn) is ignored.
        conn = client._conn()
        settled: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        settled.cancel()
        conn._pending[99] = ("ask", settled)
        conn._frame(b'{"type":"ipc.reply","data":{"reply":99,"data":1}}')

    async def test_correlation_numbers_count_per_connection_and_wrap(self) -> None:
        server = await self.serve()
        seen = Waiter()
        server.on("ask", seen)
        server.handle("other", lambda data, conn: None)
        a, b = await self.connect(server), await self.connect(server)
        conn = a._conn()
        conn._last_request = MAX_CORRELATION - 1
        for client in (a, a, b):
            with self.assertRaises(IpcError):
                await bounded(client.request("ask", timeout=0.01))
        numbers = [call[0]["request"] for call in await seen.wait(3)]
        self.assertEqual(numbers, [MAX_CORRELATION, 1, 1])
        self.assertIsNone(await a.request("other", timeout=5))  # None: a reply without data

    async def test_graceful_close_loses_nothing(self) -> None:
        server = await self.serve()
        got, gone, last = Waiter(), Waiter(), Waiter()
        server.on("m", got)
        server.on("socket.disconnected", gone)
        client = await self.connect(server)
        client.emit("hello", {"id": "closer"})
        for i in range(10000):
            client.emit("m", i)
        await client.close()
        self.assertEqual([call[0] for call in await got.wait(10000)], list(range(10000)))
        self.assertEqual((await gone.wait())[0][1], "closer")
        # And the server's side: emit, then close in the same turn.
        client = await self.connect(server)
        client.on("m", last)
        await self.accepted(server, 2)  # the second connection of this server
        for i in range(10000):
            server.broadcast("m", i)
        await server.close()
        self.assertEqual([call[0] for call in await last.wait(10000)], list(range(10000)))
        self.assertFalse(client.connected)

    async def test_close_waits_for_the_peer_at_most_close_timeout(self) -> None:
        # A peer that reads nothing and never closes its side.
        loop = asyncio.get_running_loop()
        transports: List[asyncio.BaseTransport] = []

        class Mute(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                assert isinstance(transport, asyncio.Transport)
                transport.pause_reading()
                transports.append(transport)

            def eof_received(self) -> bool:
                return True  # keep our side open

        if self.transport == "unix":
            mute = await loop.create_unix_server(Mute, os.path.join(self.dir, "mute.sock"))
            target: Dict[str, Any] = {"path": os.path.join(self.dir, "mute.sock")}
        else:
            mute = await loop.create_server(Mute, "127.0.0.1", 0)
            target = {"port": mute.sockets[0].getsockname()[1]}

        def shut() -> None:
            for transport in transports:
                transport.abort()
            mute.close()

        self.addCleanup(shut)
        quiet = Client(**target)
        await quiet.connect()
        quiet.emit("m", 1)
        await bounded(quiet.close(timeout=0.05))  # everything was sent: it gives up quietly
        self.assertFalse(quiet.connected)
        with self.assertRaises(IpcError) as caught:
            quiet.emit("m", 2)
        self.assertEqual(caught.exception.code, "ERR_IPC_NOT_CONNECTED")
        stuck = Client(**target)
        await stuck.connect()
        stuck.emit("m", "x" * (8 << 20))  # more than the socket buffers hold
        with self.assertRaises(IpcError) as caught:
            await bounded(stuck.close(timeout=0.05))
        self.assertEqual(caught.exception.code, "ERR_IPC_CLOSE_TIMEOUT")

    async def test_connect_retries_until_the_server_listens(self) -> None:
        if self.transport == "unix":
            options: Dict[str, Any] = {"path": os.path.join(self.dir, "later.sock")}
            with self.assertRaises(FileNotFoundError):
                await Client(**options).connect()
            with self.assertRaises(FileNotFoundError):
                await bounded(Client(**options).connect(retry=0.01, timeout=0.03))
            client = Client(**options)
            failures = Waiter()
            first_open = client._open

            async def counted() -> None:
                try:
                    await first_open()
                except OSError:
                    failures()
                    raise

            client._open = counted  # type: ignore[method-assign]
            attempt = asyncio.ensure_future(client.connect(retry=0.01, timeout=WAIT))
            await failures.wait(1, "failed attempts")  # it did try before the server was there
            server = Server(**options)
            await server.start()
            self.addAsyncCleanup(server.close, 1.0)
            await attempt
            self.assertTrue(client.connected)
            await client.close()
        else:
            free = socket.socket()
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
            free.close()
            with self.assertRaises(ConnectionRefusedError):
                await Client(port=port).connect()

    async def test_a_frame_over_the_limit_closes_the_connection(self) -> None:
        server = await self.serve(max_message_size=1000)
        got, errors, gone = Waiter(), Waiter(), Waiter()
        server.on("m", got)
        server.on("error", errors)
        client = await self.connect(server)
        client.on("disconnect", gone)
        exact = "x" * (1000 - len(encode_message("m", "")) + 1)
        self.assertEqual(len(encode_message("m", exact)) - 1, 1000)
        client.emit("m", exact)
        client.emit("m", exact + "y")
        client.emit("m", "never")
        await gone.wait()
        self.assertEqual(got.calls, [(exact, got.calls[0][1])])
        err = (await errors.wait())[0][0]
        self.assertEqual(err.code, "ERR_IPC_FRAME_TOO_LARGE")
        self.assertIn("maxMessageSize (1000 bytes)", str(err))

    async def test_a_bad_frame_is_reported_and_the_connection_goes_on(self) -> None:
        server = await self.serve()
        got, errors = Waiter(), Waiter()
        server.on("m", got)
        server.on("error", errors)
        client = await self.connect(server)
        client.write(b'nope\f42\f{"type":1}\f')
        self.assertEqual([call[0].code for call in await errors.wait(3)], ["ERR_IPC_INVALID_JSON", "ERR_IPC_INVALID_MESSAGE", "ERR_IPC_INVALID_EVENT"])
        client.emit("m", 1)  # in a later chunk: the connection is still there
        self.assertEqual((await got.wait())[0][0], 1)
        self.assertTrue(client.connected)

    async def test_an_aborted_connection_reads_no_further_frame_of_the_chunk(self) -> None:
        server = await self.serve()
        got = Waiter()
        server.on("m", got)
        server.on("m", lambda data, conn: conn.abort() if data == 1 else None)
        client = await self.connect(server)
        gone = Waiter()
        client.on("disconnect", gone)
        client.write(b'{"type":"m","data":1}\f{"type":"m","data":2}\f')  # one chunk
        await gone.wait()
        self.assertEqual(got.calls[0][0], 1)
        self.assertEqual(len(got.calls), 1)

    async def test_raw_mode_sends_bytes_without_framing(self) -> None:
        server = await self.serve(raw=True)
        chunks = Waiter()
        server.on("data", chunks)
        server.on("data", lambda data, conn: server.write(conn, data))  # echo
        client = await self.connect(server, raw=True)
        echoed = Waiter()
        client.on("data", echoed)
        client.write(b"\x01\x02\x03")
        client.write("hi\f!")
        expected = b"\x01\x02\x03hi\f!"
        self.assertEqual(await joined(chunks, len(expected)), expected)
        self.assertIsInstance(chunks.calls[0][1], Connection)
        self.assertEqual(await joined(echoed, len(expected)), expected)
        for call in (lambda: client.emit("t"), lambda: client.handle("t", print), lambda: server.broadcast("t")):
            with self.assertRaises(IpcError) as caught:
                call()
            self.assertEqual(caught.exception.code, "ERR_IPC_UNSUPPORTED")
        with self.assertRaises(IpcError):
            await client.request("t")

    async def test_a_custom_delimiter(self) -> None:
        server = await self.serve(delimiter="\r\n")
        got = Waiter()
        server.on("m", got)
        client = await self.connect(server, delimiter="\r\n")
        client.write(b'{"type":"m","data":1}\r')
        client.write(b'\n{"type":"m","data":"a\\r\\nb"}\r\n')
        client.emit("m", "a\r\nb")
        self.assertEqual([call[0] for call in await got.wait(3)], [1, "a\r\nb", "a\r\nb"])

    async def test_async_handlers_and_handlers_that_raise(self) -> None:
        server = await self.serve()
        got = Waiter()

        async def later(data: Any, conn: Connection) -> None:
            await asyncio.sleep(0)
            got(data)

        def broken(data: Any, conn: Connection) -> None:
            raise RuntimeError("handler bug")

        server.on("m", broken)
        server.on("m", later)
        client = await self.connect(server)
        with self.assertLogs("node_ipc", "ERROR"):
            client.emit("m", 1)
            self.assertEqual(await got.wait(), [(1,)])
        remove = server.handle("h", lambda data, conn: 1)
        with self.assertRaises(IpcError) as caught:
            server.handle("h", lambda data, conn: 2)
        self.assertEqual(caught.exception.code, "ERR_IPC_HANDLER_EXISTS")
        remove()
        server.handle("h", lambda data, conn: 2)
        self.assertEqual(await client.request("h", timeout=5), 2)


class TcpPairTests(PairTests):
    transport = "tcp"


@unittest.skipUnless(HAS_CERTS, "the example certificates (example/certs) are not there")
class TlsPairTests(PairBase):
    transport = "tls"

    async def test_events_requests_and_close_over_tls(self) -> None:
        server = await self.serve()
        server.handle("add", lambda data, conn: data["a"] + data["b"])
        got, gone = Waiter(), Waiter()
        server.on("m", got)
        server.on("socket.disconnected", gone)
        client = await self.connect(server)
        self.assertEqual(await client.request("add", {"a": 2, "b": 3}, timeout=5), 5)
        client.emit("m", {"id": "tls"})
        for i in range(1000):
            client.emit("m", i)
        await client.close()
        self.assertEqual(len(await got.wait(1001)), 1001)
        self.assertEqual((await gone.wait())[0][1], "tls")


async def read_frames(reader: asyncio.StreamReader, count: int) -> List[bytes]:
    """The next `count` frames from a plain socket, each with its delimiter."""
    return [await asyncio.wait_for(reader.readuntil(b"\f"), WAIT) for _ in range(count)]


class WireBytesTests(PairBase):
    """What node_ipc writes, seen from a plain socket, against the dumps of PROTOCOL.md."""

    async def test_a_server_answers_the_requests_of_section_6_4_byte_for_byte_and_before_it_closes(self) -> None:
        server = await self.serve()

        class RangeError(Exception):
            code = "E_X"

        def fail(data: Any, conn: Connection) -> Any:
            raise RangeError("no")

        server.handle("add", lambda data, conn: data["a"] + data["b"])
        server.handle("fail", fail)
        server.handle("quiet", lambda data, conn: None)
        reader, writer = await asyncio.open_unix_connection(server.path)
        writer.write(
            b'{"type":"add","data":{"request":1,"data":{"a":1,"b":2}}}\f'
            b'{"type":"fail","data":{"request":2}}\f'
            b'{"type":"nope","data":{"request":3}}\f'
            b'{"type":"quiet","data":{"request":4}}\f'
        )
        writer.write_eof()  # section 8.2: the server answers what came before, then closes
        replies = await read_frames(reader, 4)
        self.assertEqual(replies[0], b'{"type":"ipc.reply","data":{"reply":1,"data":3}}\f')
        self.assertEqual(replies[1], b'{"type":"ipc.reply","data":{"reply":2,"error":{"name":"RangeError","message":"no","code":"E_X"}}}\f')
        self.assertEqual(
            replies[2],
            b'{"type":"ipc.reply","data":{"reply":3,"error":{"name":"IpcError","message":"No handler for requests of type \\"nope\\"","code":"ERR_IPC_NO_HANDLER"}}}\f',
        )
        self.assertEqual(len(replies[2]), 149)
        self.assertEqual(replies[3], b'{"type":"ipc.reply","data":{"reply":4}}\f')
        self.assertEqual(await asyncio.wait_for(reader.read(), WAIT), b"")  # and then its end-of-stream
        writer.close()

    async def test_a_server_closes_after_the_frames_of_a_half_closing_client(self) -> None:
        # Section 8.2's first dump: three frames and a FIN in one go.
        server = await self.serve()
        got, gone = Waiter(), Waiter()
        server.on("m", got)
        server.on("socket.disconnected", gone)
        reader, writer = await asyncio.open_unix_connection(server.path)
        writer.write(b'{"type":"m","data":{"id":"hello","i":1}}\f{"type":"m","data":2}\f{"type":"m","data":3}\f{"type":"m","data":')
        writer.write_eof()
        self.assertEqual(await asyncio.wait_for(reader.read(), WAIT), b"")
        self.assertEqual((await gone.wait())[0][1], "hello")
        self.assertEqual([call[0] for call in got.calls], [{"id": "hello", "i": 1}, 2, 3])  # the unfinished frame is dropped
        writer.close()

    async def test_a_client_writes_the_bytes_of_the_dumps_and_reads_replies_in_any_order(self) -> None:
        path = os.path.join(self.dir, "plain.sock")
        accepted: asyncio.Future[Tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.get_running_loop().create_future()
        plain = await asyncio.start_unix_server(lambda r, w: accepted.set_result((r, w)), path)
        self.addCleanup(plain.close)
        client = Client(path=path)
        await client.connect()
        reader, writer = await asyncio.wait_for(accepted, WAIT)
        client.emit("ping")
        client.emit("text", "é€😀\f")
        adding = asyncio.ensure_future(client.request("add", {"a": 1, "b": 2}, timeout=WAIT))
        failing = asyncio.ensure_future(client.request("fail", timeout=WAIT))
        self.assertEqual(
            await read_frames(reader, 4),
            [
                b'{"type":"ping","data":{}}\f',
                '{"type":"text","data":"é€😀\\f"}\f'.encode("utf-8"),
                b'{"type":"add","data":{"request":1,"data":{"a":1,"b":2}}}\f',
                b'{"type":"fail","data":{"request":2}}\f',
            ],
        )
        writer.write(
            b'{"type":"ipc.reply","data":{"reply":2,"error":{"name":"RangeError","message":"no","code":"E_X"}}}\f'
            b'{"type":"ipc.reply","data":{"reply":1,"data":3}}\f'
        )
        self.assertEqual(await adding, 3)
        with self.assertRaises(IpcError) as caught:
            await failing
        self.assertEqual(caught.exception.remote, {"name": "RangeError", "message": "no", "code": "E_X"})
        # The server asks (its first request on this connection: number 1, section 6.4).
        client.handle("status", lambda data: {"up": True})
        writer.write(b'{"type":"status","data":{"request":1}}\f')
        self.assertEqual(await read_frames(reader, 1), [b'{"type":"ipc.reply","data":{"reply":1,"data":{"up":true}}}\f'])
        # Graceful close: the last frame, then end-of-stream; done once this side closes too.
        client.emit("bye", {"n": 1})
        closing = asyncio.ensure_future(client.close())
        self.assertEqual(await asyncio.wait_for(reader.read(), WAIT), b'{"type":"bye","data":{"n":1}}\f')
        self.assertFalse(closing.done())
        writer.close()
        await asyncio.wait_for(closing, WAIT)

    async def test_with_missing_set_to_MISSING_no_payload_stays_no_payload_both_ways(self) -> None:
        # As in JavaScript, where a missing data is undefined: handlers see MISSING, not None;
        # echoing it sends {} (section 3.2), and a request or reply without data stays so.
        server = await self.serve(missing=MISSING)
        seen: List[Any] = []

        def echo(data: Any, conn: Connection) -> None:
            seen.append(data)
            conn.emit("echo", data)

        server.on("echo", echo)
        server.handle("same", lambda data, conn: data)
        reader, writer = await asyncio.open_unix_connection(server.path)
        writer.write(
            b'{"type":"echo"}\f{"type":"echo","data":null}\f'
            b'{"type":"same","data":{"request":1}}\f{"type":"same","data":{"request":2,"data":null}}\f'
        )
        self.assertEqual(
            await read_frames(reader, 4),
            [
                b'{"type":"echo","data":{}}\f',
                b'{"type":"echo","data":null}\f',
                b'{"type":"ipc.reply","data":{"reply":1}}\f',
                b'{"type":"ipc.reply","data":{"reply":2}}\f',
            ],
        )
        self.assertIs(seen[0], MISSING)
        self.assertIsNone(seen[1])
        # A request from the server, its reply without data: the requester gets MISSING.
        conn = server.connections[0]
        asking = asyncio.ensure_future(server.request(conn, "status", timeout=WAIT))
        self.assertEqual(await read_frames(reader, 1), [b'{"type":"status","data":{"request":1}}\f'])
        writer.write(b'{"type":"ipc.reply","data":{"reply":1}}\f')
        self.assertIs(await asking, MISSING)
        writer.close()

    async def test_by_default_no_payload_is_none(self) -> None:
        path = os.path.join(self.dir, "plain.sock")
        accepted: asyncio.Future[Tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.get_running_loop().create_future()
        plain = await asyncio.start_unix_server(lambda r, w: accepted.set_result((r, w)), path)
        self.addCleanup(plain.close)
        client = Client(path=path)
        got = Waiter()
        client.on("m", got)
        await client.connect()
        self.addAsyncCleanup(client.close, 1.0)
        reader, writer = await asyncio.wait_for(accepted, WAIT)
        asking = asyncio.ensure_future(client.request("q", timeout=WAIT))
        self.assertEqual(await read_frames(reader, 1), [b'{"type":"q","data":{"request":1}}\f'])
        writer.write(b'{"type":"m"}\f{"type":"ipc.reply","data":{"reply":1}}\f')
        self.assertEqual(await got.wait(), [(None,)])
        self.assertIsNone(await asking)
        writer.close()


class UnixPathTests(PairBase):
    async def test_the_path_rule_a_stale_socket_a_live_one_and_removal_on_close(self) -> None:
        root = os.path.join(self.dir, "root") + "/"
        server = Server("world", socket_root=root)
        self.assertEqual(server.path, root + "app.world")
        await server.start()
        self.assertTrue(os.path.exists(root + "app.world"))
        client = Client("world", socket_root=root)
        await client.connect()
        await client.close()
        with self.assertRaises(OSError):
            await Server("world", socket_root=root).start()  # a live server keeps its socket
        await server.close()
        self.assertFalse(os.path.exists(root + "app.world"))
        # A socket nobody accepts on (its server died) is replaced.
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(root + "app.world")
        stale.close()
        again = Server("world", socket_root=root)
        await again.start()
        await again.close()
        with open(root + "app.file", "w"):
            pass
        with self.assertRaises(OSError):
            await Server("file", socket_root=root).start()  # never a file that is not a socket
        with self.assertRaises(FileNotFoundError):
            await Client("nobody", socket_root=root).connect()


# ---------------------------------------------------------------------------------------------
# Interop with node-ipc-ts
# ---------------------------------------------------------------------------------------------

Event = Dict[str, Any]


class NodePeer:
    """node_driver.js in a child process: commands in on stdin, reports out on stdout."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.events: List[Event] = []
        self.ended = False
        self._changed = asyncio.Event()
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, test: unittest.IsolatedAsyncioTestCase, *args: str) -> NodePeer:
        assert NODE is not None
        process = await asyncio.create_subprocess_exec(
            NODE, NODE_DRIVER, *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        peer = cls(process)
        test.addAsyncCleanup(peer.stop)
        await peer.wait_for(lambda e: e["event"] == "ready", what="ready")
        return peer

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while True:
            line = await self.process.stdout.readline()
            if not line:
                break
            self.events.append(json.loads(line))
            self._changed.set()
        self.ended = True
        self._changed.set()

    def send(self, **command: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode("utf-8"))

    async def wait_for(self, predicate: Callable[[Event], bool], count: int = 1, what: str = "events") -> List[Event]:
        found: List[Event] = []
        index = 0

        async def until() -> None:
            nonlocal index
            while True:
                while index < len(self.events):
                    event = self.events[index]
                    index += 1
                    if event["event"] == "failed":
                        raise AssertionError(f"the node peer failed: {event}")
                    if predicate(event):
                        found.append(event)
                        if len(found) == count:
                            return
                if self.ended:
                    raise AssertionError(f"the node peer ended with {len(found)} of {count} {what}; last: {self.events[-3:]}")
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(until(), WAIT)
        except asyncio.TimeoutError:
            raise AssertionError(f"timed out with {len(found)} of {count} {what}; last: {self.events[-3:]}") from None
        return found

    async def messages(self, type_: str, count: int) -> List[Any]:
        found = await self.wait_for(lambda e: e["event"] == "message" and e["type"] == type_, count, f"'{type_}' messages")
        return [event["data"] for event in found]

    async def stop(self) -> None:
        if self.process.returncode is None:
            assert self.process.stdin is not None
            self.process.stdin.close()  # the driver exits at the end of its input
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except asyncio.TimeoutError:
                self.process.kill()
                await self.process.wait()
        await self._reader


def big_summary() -> Dict[str, Any]:
    data = (BIG_UNIT * (MIB16 // 32)).encode("utf-8")
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


@unittest.skipUnless(NODE is not None, "node is not on PATH")
@unittest.skipUnless(os.path.exists(DIST), "dist/ is missing: run `npm run build` at the repository root first")
class NodeInteropBase(PairBase):
    async def node_server(self) -> Tuple[NodePeer, Client]:
        """node-ipc-ts serving, a Python client connected and named py-1."""
        if self.transport == "unix":
            peer = await NodePeer.start(self, "server", "unix", os.path.join(self.dir, "node.sock"))
            client = Client(path=peer.events[0]["path"])
        elif self.transport == "tcp":
            peer = await NodePeer.start(self, "server", "tcp", "0")
            client = Client(port=peer.events[0]["port"])
        else:
            peer = await NodePeer.start(self, "server", "tls", "0", CERTS)
            client = Client(port=peer.events[0]["port"], ssl=tls_contexts()[1], server_hostname="localhost")
        await client.connect()
        self.addAsyncCleanup(client.close, 1.0)
        client.emit("hello", {"id": "py-1", "text": "Zoë 😀 \f \u2028"})
        self.assertEqual(await peer.messages("hello", 1), [{"id": "py-1", "text": "Zoë 😀 \f \u2028"}])
        self.assertEqual(peer.events[-1]["from"], "py-1")
        return peer, client

    async def node_client(self) -> Tuple[NodePeer, Server]:
        """A Python server, a node-ipc-ts client connected and named node-1."""
        server = await self.serve()
        connected = Waiter()
        server.on("connect", connected)
        hello = Waiter()
        server.on("hello", hello)
        if self.transport == "unix":
            peer = await NodePeer.start(self, "client", "unix", str(server.path))
        elif self.transport == "tcp":
            peer = await NodePeer.start(self, "client", "tcp", str(server.port))
        else:
            peer = await NodePeer.start(self, "client", "tls", str(server.port), CERTS)
        await connected.wait()
        peer.send(op="emit", type="hello", data={"id": "node-1", "text": "Zoë 😀 \f \u2028"})
        self.assertEqual((await hello.wait())[0][0], {"id": "node-1", "text": "Zoë 😀 \f \u2028"})
        self.assertEqual(server.connections[0].id, "node-1")
        return peer, server


class NodeInteropTests(NodeInteropBase):
    async def test_node_server_python_client_events_broadcast_and_requests(self) -> None:
        peer, client = await self.node_server()
        hello, news = Waiter(), Waiter()
        client.on("hello", hello)
        client.on("news", news)
        peer.send(op="emit", to="py-1", type="hello", data={"back": "é€😀"})
        peer.send(op="broadcast", type="news", data=[1, None, "x"])
        peer.send(op="broadcast", type="news")
        self.assertEqual(await hello.wait(), [({"back": "é€😀"},)])
        self.assertEqual(await news.wait(2), [([1, None, "x"],), ({},)])
        # Python asks Node
        self.assertEqual(await client.request("add", {"a": 1, "b": 2}, timeout=5), 3)
        self.assertEqual(await client.request("status", timeout=5), {"up": True, "lang": "node"})
        with self.assertRaises(IpcError) as caught:
            await client.request("fail", timeout=5)
        self.assertEqual((caught.exception.code, caught.exception.remote), ("ERR_IPC_REMOTE", {"name": "RangeError", "message": "no", "code": "E_X"}))
        with self.assertRaises(IpcError) as caught:
            await client.request("nope", timeout=5)
        self.assertEqual(caught.exception.code, "ERR_IPC_NO_HANDLER")
        # Node asks Python
        client.handle("status", lambda data: {"up": True, "lang": "python", "got": data})
        peer.send(op="request", tag="s", to="py-1", type="status", data={"q": 1})
        peer.send(op="request", tag="n", to="py-1", type="nope")
        replies = await peer.wait_for(lambda e: e["event"] in ("reply", "rejected"), 2, "replies")
        by_tag = {event["tag"]: event for event in replies}
        self.assertEqual(by_tag["s"], {"event": "reply", "tag": "s", "data": {"up": True, "lang": "python", "got": {"q": 1}}})
        self.assertEqual(by_tag["n"]["code"], "ERR_IPC_NO_HANDLER")

    async def test_python_server_node_client_events_broadcast_and_requests(self) -> None:
        peer, server = await self.node_client()
        conn = server.connections[0]
        server.emit(conn, "hello", {"back": "é€😀"})
        server.broadcast("news", [1, None, "x"])
        server.broadcast("news")
        self.assertEqual(await peer.messages("hello", 1), [{"back": "é€😀"}])
        self.assertEqual(await peer.messages("news", 2), [[1, None, "x"], {}])
        # Node asks Python
        server.handle("add", lambda data, c: data["a"] + data["b"])
        peer.send(op="request", tag="add", type="add", data={"a": 1, "b": 2})
        peer.send(op="request", tag="nope", type="nope")
        replies = {e["tag"]: e for e in await peer.wait_for(lambda e: e["event"] in ("reply", "rejected"), 2, "replies")}
        self.assertEqual(replies["add"], {"event": "reply", "tag": "add", "data": 3})
        self.assertEqual(replies["nope"]["code"], "ERR_IPC_NO_HANDLER")
        # Python asks Node
        self.assertEqual(await server.request(conn, "status", timeout=5), {"up": True, "lang": "node"})
        with self.assertRaises(IpcError) as caught:
            await server.request(conn, "fail", timeout=5)
        self.assertEqual(caught.exception.remote, {"name": "RangeError", "message": "no", "code": "E_X"})

    async def test_ten_thousand_messages_in_order_each_way(self) -> None:
        peer, client = await self.node_server()
        got = Waiter()
        client.on("seq", got)
        for i in range(10000):
            client.emit("seq", {"i": i})
        self.assertEqual(await peer.messages("seq", 10000), [{"i": i} for i in range(10000)])
        peer.send(op="seq", type="seq", count=10000, to="py-1")
        self.assertEqual([call[0] for call in await got.wait(10000)], [{"i": i} for i in range(10000)])
        peer2, server = await self.node_client()
        got2 = Waiter()
        server.on("seq", got2)
        peer2.send(op="seq", type="seq", count=10000)
        self.assertEqual([call[0] for call in await got2.wait(10000)], [{"i": i} for i in range(10000)])
        for i in range(10000):
            server.broadcast("seq", {"i": i})
        self.assertEqual(await peer2.messages("seq", 10000), [{"i": i} for i in range(10000)])

    async def test_a_16_mib_message_each_way(self) -> None:
        expected = big_summary()
        peer, client = await self.node_server()
        got = Waiter()
        client.on("big", got)
        client.emit("big", BIG_UNIT * (MIB16 // 32))
        self.assertEqual(await peer.messages("big", 1), [expected])
        peer.send(op="big", type="big", bytes=MIB16, to="py-1")
        data = (await got.wait())[0][0]
        self.assertEqual({"bytes": len(data.encode()), "sha256": hashlib.sha256(data.encode()).hexdigest()}, expected)
        self.assertEqual({k: v for k, v in (await peer.wait_for(lambda e: e["event"] == "sent"))[0].items() if k in expected}, expected)

    async def test_close_right_after_emit_loses_nothing_python_client(self) -> None:
        peer, client = await self.node_server()
        for i in range(1000):
            client.emit("last", {"i": i})
        await client.close()
        self.assertEqual(await peer.messages("last", 1000), [{"i": i} for i in range(1000)])
        self.assertEqual((await peer.wait_for(lambda e: e["event"] == "socket.disconnected"))[0]["id"], "py-1")

    async def test_close_right_after_emit_loses_nothing_node_server(self) -> None:
        peer, client = await self.node_server()
        got, gone = Waiter(), Waiter()
        client.on("last", got)
        client.on("disconnect", gone)
        peer.send(op="seq", type="last", count=1000, to="py-1", close=True)
        await gone.wait(what="disconnect")
        self.assertEqual([call[0] for call in got.calls], [{"i": i} for i in range(1000)])
        await peer.wait_for(lambda e: e["event"] == "closed")

    async def test_close_right_after_emit_loses_nothing_node_client(self) -> None:
        peer, server = await self.node_client()
        got, gone = Waiter(), Waiter()
        server.on("last", got)
        server.on("socket.disconnected", gone)
        peer.send(op="seq", type="last", count=1000, close=True)
        self.assertEqual((await gone.wait(what="socket.disconnected"))[0][1], "node-1")
        self.assertEqual([call[0] for call in got.calls], [{"i": i} for i in range(1000)])
        await peer.wait_for(lambda e: e["event"] == "closed")

    async def test_close_right_after_emit_loses_nothing_python_server(self) -> None:
        peer, server = await self.node_client()
        for i in range(1000):
            server.broadcast("last", {"i": i})
        await server.close()
        self.assertEqual(await peer.messages("last", 1000), [{"i": i} for i in range(1000)])
        await peer.wait_for(lambda e: e["event"] == "disconnect")


class TcpNodeInteropTests(NodeInteropTests):
    transport = "tcp"


@unittest.skipUnless(HAS_CERTS, "the example certificates (example/certs) are not there")
class TlsNodeInteropTests(NodeInteropBase):
    transport = "tls"

    async def test_node_tls_server(self) -> None:
        peer, client = await self.node_server()
        self.assertEqual(await client.request("add", {"a": 1, "b": 2}, timeout=5), 3)
        for i in range(1000):
            client.emit("last", {"i": i})
        await client.close()
        self.assertEqual(await peer.messages("last", 1000), [{"i": i} for i in range(1000)])
        self.assertEqual((await peer.wait_for(lambda e: e["event"] == "socket.disconnected"))[0]["id"], "py-1")

    async def test_python_tls_server(self) -> None:
        peer, server = await self.node_client()
        server.handle("add", lambda data, c: data["a"] + data["b"])
        peer.send(op="request", tag="add", type="add", data={"a": 1, "b": 2})
        self.assertEqual((await peer.wait_for(lambda e: e["event"] == "reply"))[0]["data"], 3)
        for i in range(1000):
            server.broadcast("last", {"i": i})
        await server.close()
        self.assertEqual(await peer.messages("last", 1000), [{"i": i} for i in range(1000)])


if __name__ == "__main__":
    unittest.main()
