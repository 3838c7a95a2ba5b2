"""A node-ipc / node-ipc-ts peer for Python: asyncio and the standard library only.

Speaks the wire protocol of docs/PROTOCOL.md (the bytes node-ipc 9.x / 10.x and node-ipc-ts
exchange) over Unix sockets, TCP and TLS, in JSON mode (delimited frames of
``{"type": ..., "data": ...}``) or raw mode (bytes, no framing), with the request/reply shape
of docs/ASYNC.md. One file, Python 3.9 or newer: copy it into a project, or put its folder on
``sys.path``.

    server = Server("world")                     # listens on /tmp/app.world
    server.on("hello", lambda data, conn: server.emit(conn, "hello", {"to": data["id"]}))
    server.handle("add", lambda data, conn: data["a"] + data["b"])
    await server.start()

    client = Client("world")                     # connects to /tmp/app.world
    client.on("hello", print)
    await client.connect()
    client.emit("hello", {"id": "py-1"})         # data.id names this client on the server
    assert await client.request("add", {"a": 1, "b": 2}, timeout=5) == 3
    await client.close()                         # everything emitted before arrives

Section numbers (section 2.2, ...) refer to docs/PROTOCOL.md.
"""
from __future__ import annotations

import asyncio
import errno
import inspect
import json
import logging
import math
import os
import socket as _socket
import stat
import ssl as _ssl
import traceback
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Union

__all__ = [
    "Client",
    "Connection",
    "FrameDecoder",
    "IpcError",
    "MISSING",
    "Server",
    "decode_message",
    "encode_message",
    "js_truthy",
    "socket_path",
    "DEFAULT_APPSPACE",
    "DEFAULT_CLOSE_TIMEOUT",
    "DEFAULT_DELIMITER",
    "DEFAULT_HOST",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "DEFAULT_PORT",
    "DEFAULT_SOCKET_ROOT",
    "MAX_CORRELATION",
    "REPLY_TYPE",
]

DEFAULT_DELIMITER = "\f"
DEFAULT_SOCKET_ROOT = "/tmp/"
DEFAULT_APPSPACE = "app."
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: node-ipc-ts's default ``maxMessageSize`` in the 9/10 profile: 100 MiB (section 7).
DEFAULT_MAX_MESSAGE_SIZE = 100 * 1024 * 1024
#: Seconds a graceful close waits for the peer to close its side (node-ipc-ts: closeTimeout 5000 ms).
DEFAULT_CLOSE_TIMEOUT = 5.0
#: The message type every reply travels under (section 6.2).
REPLY_TYPE = "ipc.reply"
#: Correlation numbers run from 1 to this, then wrap to 1 (section 6.1).
MAX_CORRELATION = 0x7FFFFFFF
#: Built-in event names: never answered with ERR_IPC_NO_HANDLER (section 6.1).
BUILTIN_EVENTS = frozenset(
    {"start", "connect", "disconnect", "destroy", "close", "socket.disconnected", "error", "data", "drain"}
)

log = logging.getLogger("node_ipc")

Handler = Callable[..., Any]
RawData = Union[bytes, bytearray, memoryview, str]


class _Missing:
    """The "no payload" marker: what JavaScript calls ``undefined``."""

    _instance: Optional[_Missing] = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


#: Leave a payload out: ``emit(type)`` sends ``{}`` (section 3.2), ``request(type)`` sends no inner ``data``,
#: a handler returning it replies without ``data``. With ``missing=MISSING`` an endpoint also
#: delivers it for a message, request or reply without ``data`` (JavaScript's ``undefined``).
MISSING: Any = _Missing()


class IpcError(Exception):
    """An error with one of node-ipc-ts's codes (docs/ERRORS.md): ``err.code``.

    A failed request carries what the peer sent under ``err.remote``
    (``{"name", "message"}`` and ``"code"`` / ``"stack"`` when sent).
    """

    def __init__(self, code: str, message: str, remote: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.remote = remote

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def socket_path(id: str, socket_root: str = DEFAULT_SOCKET_ROOT, appspace: str = DEFAULT_APPSPACE) -> str:
    """node-ipc's path rule: ``socketRoot + appspace + id``, joined as strings (``/tmp/app.world``)."""
    return socket_root + appspace + id


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness: ``{}`` and ``[]`` are true; ``None``, ``False``, ``0``, NaN and ``""`` are not."""
    if value is None or value is False or value is MISSING:
        return False
    if isinstance(value, (int, float)):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def _is_number(value: Any) -> bool:
    """JavaScript's ``typeof value === 'number'`` for a parsed JSON value (bool is not a number)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------------
# Framing (section 2) and the envelope (section 3)
# ---------------------------------------------------------------------------------------------


class FrameDecoder:
    """Bytes in, frames out: splits a byte stream on a delimiter of any length (section 2).

    ``push(chunk)`` returns the frames the chunk completed, in order, delimiters stripped;
    chunk boundaries may fall anywhere (inside a UTF-8 sequence, inside the delimiter). Bytes
    already scanned are not scanned again, so a large frame in many chunks costs one pass.

    A frame longer than ``max_frame_bytes`` (the delimiter not counted) sets ``error`` to an
    ``ERR_IPC_FRAME_TOO_LARGE`` :class:`IpcError` as soon as the unfinished frame passes the
    limit; the frames before it are still returned, and the decoder returns nothing after.
    """

    def __init__(self, delimiter: bytes = b"\f", max_frame_bytes: int = DEFAULT_MAX_MESSAGE_SIZE) -> None:
        if not delimiter:
            raise ValueError("the frame delimiter must not be empty")
        if max_frame_bytes < 0:
            raise ValueError("max_frame_bytes must not be negative")
        self.delimiter = bytes(delimiter)
        self.max_frame_bytes = max_frame_bytes
        self.error: Optional[IpcError] = None
        self._buffer = bytearray()

    @property
    def pending_bytes(self) -> int:
        """Bytes of an unfinished frame held now (section 2.3: dropped if the stream ends)."""
        return len(self._buffer)

    def push(self, chunk: Union[bytes, bytearray, memoryview]) -> List[bytes]:
        if self.error is not None or not chunk:
            return []
        buffer = self._buffer
        delimiter = self.delimiter
        size = len(delimiter)
        limit = self.max_frame_bytes
        # The held bytes hold no delimiter; only their last size-1 bytes may start one.
        scan = max(len(buffer) - (size - 1), 0)
        buffer += chunk
        frames: List[bytes] = []
        start = 0
        with memoryview(buffer) as view:
            while True:
                end = buffer.find(delimiter, scan)
                if end < 0:
                    break
                if end - start > limit:
                    self._fail(end - start)
                    return frames
                frames.append(view[start:end].tobytes())
                start = scan = end + size
        if start:
            del buffer[:start]
        # A frame of exactly the limit may still wait for size-1 bytes of its delimiter.
        if len(buffer) > limit + size - 1:
            self._fail(len(buffer))
        return frames

    def reset(self) -> None:
        """Drops an unfinished frame."""
        self._buffer = bytearray()

    def _fail(self, frame_bytes: int) -> None:
        self._buffer = bytearray()
        self.error = IpcError(
            "ERR_IPC_FRAME_TOO_LARGE",
            f"Incoming frame of at least {frame_bytes} bytes exceeds maxMessageSize ({self.max_frame_bytes} bytes)",
        )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_ASCII_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def decode_message(frame: Union[bytes, bytearray, memoryview], missing: Any = None) -> Tuple[str, Any]:
    """One frame to ``(type, data)``; checks section 3.1 in its order.

    Ill-formed UTF-8 becomes U+FFFD, as in Node. A missing ``data`` is ``missing``
    (``None`` by default; pass :data:`MISSING` to tell it from ``null``); members other than
    ``type`` and ``data`` are ignored. Raises :class:`IpcError`:
    ``ERR_IPC_INVALID_JSON`` (including an empty frame and NaN / Infinity),
    ``ERR_IPC_INVALID_MESSAGE`` (not an object or array), ``ERR_IPC_INVALID_EVENT``
    (``type`` not a string).
    """
    text = bytes(frame).decode("utf-8", "replace")
    try:
        value = _DECODER.decode(text)
    except (ValueError, RecursionError) as err:
        raise IpcError("ERR_IPC_INVALID_JSON", f"Invalid JSON in frame: {err}") from None
    if isinstance(value, dict):
        type_ = value.get("type")
        if isinstance(type_, str):
            return type_, value.get("data", missing)
    elif not isinstance(value, list):
        raise IpcError("ERR_IPC_INVALID_MESSAGE", f"Message is not an object: {text[:64]}")
    raise IpcError("ERR_IPC_INVALID_EVENT", "Message type must be a string")


def encode_message(type: str, data: Any = MISSING, delimiter: Union[str, bytes] = DEFAULT_DELIMITER) -> bytes:
    """``{"type": type, "data": data}`` as compact UTF-8 JSON plus the delimiter (section 3.1).

    A missing payload is written as ``{}``, as node-ipc 9/10 do (section 3.2); ``None`` is
    written as ``null``. Raises ``TypeError`` for what JSON cannot hold and ``ValueError`` for
    NaN / Infinity or a frame that would contain the delimiter (section 2.1).
    """
    if not isinstance(type, str):
        raise TypeError(f"the message type must be a str, not {type.__class__.__name__}")
    delimiter_bytes = delimiter.encode("utf-8") if isinstance(delimiter, str) else bytes(delimiter)
    envelope = {"type": type, "data": {} if data is MISSING else data}
    try:
        body = _ENCODER.encode(envelope).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate: escaped as \udXXX, as JSON.stringify writes it.
        body = _ASCII_ENCODER.encode(envelope).encode("ascii")
    if delimiter_bytes != b"\f" and delimiter_bytes in body:
        # With \f this cannot happen: JSON escapes it (section 2.1).
        raise ValueError(f"the frame of {type!r} contains the delimiter {delimiter_bytes!r}")
    return body + delimiter_bytes


def _remote_error(err: BaseException, expose_stack: bool) -> Dict[str, Any]:
    """The wire form of what a handler raised (section 6.2)."""
    info: Dict[str, Any] = {"name": err.__class__.__name__, "message": str(err)}
    code: Any = getattr(err, "code", None)
    if isinstance(code, str) or (_is_number(code) and math.isfinite(code)):
        info["code"] = code
    if expose_stack:
        info["stack"] = "".join(traceback.format_exception(err.__class__, err, err.__traceback__))
    return info


def _no_handler_error(type: str) -> Dict[str, Any]:
    return {
        "name": "IpcError",
        "message": f'No handler for requests of type "{type}"',
        "code": "ERR_IPC_NO_HANDLER",
    }


def _from_remote_error(type: str, error: Any) -> IpcError:
    raw: Dict[str, Any] = error if isinstance(error, dict) else {"message": str(error)}
    remote: Dict[str, Any] = {
        "name": raw["name"] if isinstance(raw.get("name"), str) else "Error",
        "message": raw["message"] if isinstance(raw.get("message"), str) else "",
    }
    code = raw.get("code")
    if isinstance(code, str) or _is_number(code):
        remote["code"] = code
    if isinstance(raw.get("stack"), str):
        remote["stack"] = raw["stack"]
    if remote.get("code") == "ERR_IPC_NO_HANDLER":
        return IpcError("ERR_IPC_NO_HANDLER", f'The peer has no handler for requests of type "{type}"', remote)
    return IpcError("ERR_IPC_REMOTE", f"The peer's handler of \"{type}\" failed: {remote['message']}", remote)


# ---------------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------------


class _Endpoint:
    """What clients and servers share: options, handlers, request handlers."""

    def __init__(
        self,
        *,
        raw: bool,
        delimiter: str,
        max_message_size: int,
        encoding: str,
        close_timeout: float,
        missing: Any = None,
    ) -> None:
        if not delimiter:
            raise ValueError("the delimiter must not be empty")
        self.raw = raw
        self.delimiter = delimiter
        self.delimiter_bytes = delimiter.encode("utf-8")
        self.max_message_size = max_message_size
        self.encoding = encoding
        self.close_timeout = close_timeout
        #: What handlers get for a message without ``data``, and ``request()`` for a reply without it.
        self.missing = missing
        self._handlers: Dict[str, List[Handler]] = {}
        self._request_handlers: Dict[str, Tuple[Handler, bool]] = {}
        self._tasks: Set[asyncio.Future[Any]] = set()

    def on(self, type: str, handler: Handler) -> None:
        """Calls ``handler`` for every message (or built-in event) named ``type``.

        A handler may be a plain function or a coroutine function (run as a task). What it
        raises is logged, never thrown into the connection.
        """
        self._handlers.setdefault(type, []).append(handler)

    def off(self, type: str, handler: Handler) -> None:
        """Removes one registration of ``handler`` for ``type`` (if any)."""
        handlers = self._handlers.get(type)
        if handlers and handler in handlers:
            handlers.remove(handler)

    def handle(self, type: str, handler: Handler, *, expose_stack: bool = False) -> Callable[[], None]:
        """Answers requests of ``type`` with what ``handler`` returns (or its coroutine returns).

        What it raises goes back as the error of the reply (name, message, ``code`` when the
        exception has a str or int ``code`` attribute; the traceback only with
        ``expose_stack``). Returning ``None`` sends a reply with no ``data``. Returns a
        function that removes the handler. Once any handler exists, requests of other types
        are answered with ``ERR_IPC_NO_HANDLER``.
        """
        self._check_json("handle")
        if type == REPLY_TYPE:
            raise ValueError(f"{REPLY_TYPE!r} cannot be a request type")
        if type in self._request_handlers:
            raise IpcError("ERR_IPC_HANDLER_EXISTS", f'A handler for requests of type "{type}" already exists')
        entry = (handler, expose_stack)
        self._request_handlers[type] = entry

        def remove() -> None:
            if self._request_handlers.get(type) is entry:
                del self._request_handlers[type]

        return remove

    def _check_json(self, what: str) -> None:
        if self.raw:
            raise IpcError("ERR_IPC_UNSUPPORTED", f"{what}() needs JSON mode; in raw mode use write() and 'data'")

    def _publish(self, type: str, *args: Any) -> None:
        handlers = self._handlers.get(type)
        if not handlers:
            if type == "error" and args:
                log.warning("node_ipc: %s", args[0])
            return
        for handler in list(handlers):
            try:
                result = handler(*args)
            except Exception:
                log.exception("node_ipc: a handler of %r raised", type)
                continue
            if inspect.isawaitable(result):
                self._watch(asyncio.ensure_future(result), type)

    def _watch(self, task: asyncio.Future[Any], type: str) -> None:
        self._tasks.add(task)

        def done(finished: asyncio.Future[Any]) -> None:
            self._tasks.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                log.error("node_ipc: a handler of %r raised", type, exc_info=finished.exception())

        task.add_done_callback(done)

    # Overridden by Client and Server.
    def _handler_args(self, data: Any, conn: Connection) -> Tuple[Any, ...]:
        raise NotImplementedError

    def _connection_made(self, conn: Connection) -> None:
        raise NotImplementedError

    def _connection_lost(self, conn: Connection, exc: Optional[BaseException]) -> None:
        raise NotImplementedError


class Connection(asyncio.Protocol):
    """One stream connection: a client's link to its server, or a server's record of a client.

    A server hands these to its handlers as the "socket": ``conn.id`` is the last truthy
    ``data.id`` the client sent (section 3.4), ``None`` until then.
    """

    def __init__(self, endpoint: _Endpoint) -> None:
        self.endpoint = endpoint
        self.id: Any = None
        self.transport: Optional[asyncio.Transport] = None
        self._decoder = FrameDecoder(endpoint.delimiter_bytes, endpoint.max_message_size)
        self._pending: Dict[Any, Tuple[str, asyncio.Future[Any]]] = {}
        self._last_request = 0
        self._closing = False
        self._lost = False
        #: abort() was called: nothing more is read or written, even from the chunk at hand.
        self._aborted = False
        self._loop = asyncio.get_running_loop()
        self._closed: asyncio.Future[None] = self._loop.create_future()
        #: Frames written during this turn of the event loop, sent in one write at its end.
        self._outgoing: List[bytes] = []
        self._drain_waiters: List[asyncio.Future[None]] = []
        self._write_paused = False

    # -- asyncio.Protocol ------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.endpoint._connection_made(self)

    def data_received(self, data: bytes) -> None:
        endpoint = self.endpoint
        if endpoint.raw:
            endpoint._publish("data", *endpoint._handler_args(data, self))
            return
        for frame in self._decoder.push(data):
            if self._lost or self._aborted:
                return  # a handler aborted the connection: the rest of the chunk is dropped
            self._frame(frame)
        error = self._decoder.error
        if error is not None and not self._lost and not self._aborted:
            # Section 7: the connection is closed at once; what was not written is dropped.
            self._publish_error(error)
            self.abort()

    def eof_received(self) -> bool:
        # The peer half-closed (section 8.2). Every frame before it was delivered; an unfinished
        # frame is dropped. Returning False closes our side once what we queued is written.
        self._decoder.reset()
        self._flush()
        self._closing = True
        return False

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        self._lost = True
        self._closing = True
        self._outgoing = []
        pending, self._pending = self._pending, {}
        for type_, future in pending.values():
            if not future.done():
                future.set_exception(
                    IpcError("ERR_IPC_DISCONNECTED", f'The connection closed before the reply to "{type_}" arrived')
                )
        self._wake_writers()
        if not self._closed.done():
            self._closed.set_result(None)
        self.endpoint._connection_lost(self, exc)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        self._wake_writers()

    # -- sending ---------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """True until this side began to close or the connection was lost."""
        return self.transport is not None and not self._closing and not self._lost

    @property
    def peername(self) -> Any:
        return self.transport.get_extra_info("peername") if self.transport is not None else None

    def emit(self, type: str, data: Any = MISSING) -> None:
        """Sends one message (JSON mode). A missing ``data`` is sent as ``{}`` (section 3.2)."""
        self.endpoint._check_json("emit")
        self._write(encode_message(type, data, self.endpoint.delimiter_bytes))

    def write(self, data: RawData) -> None:
        """Sends bytes as they are (raw mode; in JSON mode the caller frames them). A str is
        encoded with the endpoint's ``encoding``."""
        if isinstance(data, str):
            data = data.encode(self.endpoint.encoding)
        self._write(bytes(data))

    def _write(self, data: bytes) -> None:
        # Everything written in one turn of the event loop leaves in one write, as node-ipc-ts
        # does (section 2.2): one system call for many small frames, and no long queue of
        # small buffers in the transport (whose size some Python versions sum on every write).
        if not self.connected:
            raise IpcError("ERR_IPC_NOT_CONNECTED", "The connection is closed or closing")
        if not self._outgoing:
            self._loop.call_soon(self._flush)
        self._outgoing.append(data)

    def _flush(self) -> None:
        if not self._outgoing:
            return
        chunks, self._outgoing = self._outgoing, []
        if self.transport is not None and not self._lost:
            self.transport.write(chunks[0] if len(chunks) == 1 else b"".join(chunks))

    @property
    def unsent_bytes(self) -> int:
        """Bytes accepted by emit/write and not yet handed to the operating system."""
        queued = sum(len(chunk) for chunk in self._outgoing)
        return queued + (self.transport.get_write_buffer_size() if self.transport is not None and not self._lost else 0)

    async def drain(self) -> None:
        """Waits until the transport's write buffer is below its high-water mark."""
        self._flush()
        if not self._write_paused or self._lost:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._drain_waiters.append(waiter)
        await waiter

    def _wake_writers(self) -> None:
        waiters, self._drain_waiters = self._drain_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    # -- requests (section 6) --------------------------------------------------------------------

    async def request(self, type: str, data: Any = MISSING, *, timeout: Optional[float] = None) -> Any:
        """Sends a request and returns the peer's reply.

        Raises :class:`IpcError` ``ERR_IPC_TIMEOUT`` (after ``timeout`` seconds),
        ``ERR_IPC_REMOTE`` (the handler failed: ``err.remote``), ``ERR_IPC_NO_HANDLER``,
        ``ERR_IPC_DISCONNECTED`` (the connection closed first), ``ERR_IPC_NOT_CONNECTED``.
        ``timeout`` None or 0: no timeout. A request is sent once, never re-sent.
        """
        self.endpoint._check_json("request")
        if type == REPLY_TYPE:
            raise ValueError(f"{REPLY_TYPE!r} cannot be a request type")
        if timeout is not None and timeout < 0:
            raise ValueError("timeout must not be negative")
        if not self.connected:
            raise IpcError("ERR_IPC_NOT_CONNECTED", f'Cannot send the request "{type}": not connected')
        number = self._next_request_number()
        envelope: Dict[str, Any] = {"request": number}
        if data is not MISSING:
            envelope["data"] = data
        frame = encode_message(type, envelope, self.endpoint.delimiter_bytes)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[number] = (type, future)
        try:
            self._write(frame)
            if timeout is None or timeout == 0:
                return await future
            try:
                return await asyncio.wait_for(future, timeout)
            except asyncio.TimeoutError:
                raise IpcError("ERR_IPC_TIMEOUT", f'No reply to "{type}" within {timeout} s') from None
        finally:
            entry = self._pending.get(number)
            if entry is not None and entry[1] is future:
                del self._pending[number]

    def _next_request_number(self) -> int:
        while True:
            self._last_request = self._last_request + 1 if self._last_request < MAX_CORRELATION else 1
            if self._last_request not in self._pending:
                return self._last_request

    def _settle(self, envelope: Dict[str, Any]) -> None:
        entry = self._pending.get(envelope["reply"])
        if entry is None:
            return  # late, timed out, or unknown: ignored (section 6.2)
        type_, future = entry
        if future.done():
            return
        if "error" in envelope:
            future.set_exception(_from_remote_error(type_, envelope["error"]))
        else:
            future.set_result(envelope.get("data", self.endpoint.missing))

    def _answer(self, type: str, envelope: Dict[str, Any]) -> None:
        endpoint = self.endpoint
        number = envelope["request"]
        entry = endpoint._request_handlers.get(type)
        if entry is None:
            if endpoint._request_handlers and type not in BUILTIN_EVENTS:
                self._reply(number, error=_no_handler_error(type))
            return
        handler, expose_stack = entry
        try:
            result = handler(*endpoint._handler_args(envelope.get("data", endpoint.missing), self))
        except Exception as err:
            self._reply(number, error=_remote_error(err, expose_stack))
            return
        if not inspect.isawaitable(result):
            self._reply_result(number, result, expose_stack)
            return

        task = asyncio.ensure_future(result)

        def done(finished: asyncio.Future[Any]) -> None:
            endpoint._tasks.discard(finished)
            if finished.cancelled():
                self._reply(number, error={"name": "CancelledError", "message": "the handler was cancelled"})
            elif finished.exception() is not None:
                self._reply(number, error=_remote_error(finished.exception(), expose_stack))  # type: ignore[arg-type]
            else:
                self._reply_result(number, finished.result(), expose_stack)

        endpoint._tasks.add(task)
        task.add_done_callback(done)

    def _reply_result(self, number: Any, result: Any, expose_stack: bool) -> None:
        try:
            self._reply(number, data=result)
        except (TypeError, ValueError, RecursionError) as err:
            # The result cannot be sent: the requester hears why instead of waiting.
            self._reply(number, error=_remote_error(err, expose_stack))

    def _reply(self, number: Any, *, data: Any = None, error: Optional[Dict[str, Any]] = None) -> None:
        """Sends one reply; a result of None (or MISSING) is sent without ``data`` (section 6.2). A reply
        for a connection that is closing or gone is dropped: nobody waits for it."""
        envelope: Dict[str, Any] = {"reply": number}
        if error is not None:
            envelope["error"] = error
        elif data is not None and data is not MISSING:
            envelope["data"] = data
        frame = encode_message(REPLY_TYPE, envelope, self.endpoint.delimiter_bytes)
        if self.connected:
            self._write(frame)

    # -- receiving -------------------------------------------------------------------------------

    def _frame(self, frame: bytes) -> None:
        endpoint = self.endpoint
        try:
            type_, data = decode_message(frame, endpoint.missing)
        except IpcError as err:
            # 9/10 profile (section 3.1): the frame is dropped, the connection goes on.
            self._publish_error(err)
            return
        if isinstance(endpoint, Server) and isinstance(data, dict) and js_truthy(data.get("id")):
            self.id = data["id"]  # section 3.4
        if type_ == REPLY_TYPE and isinstance(data, dict) and _is_number(data.get("reply")):
            self._settle(data)
        endpoint._publish(type_, *endpoint._handler_args(data, self))
        if type_ != REPLY_TYPE and isinstance(data, dict) and _is_number(data.get("request")) and not self._aborted:
            self._answer(type_, data)

    def _publish_error(self, err: BaseException) -> None:
        endpoint = self.endpoint
        if isinstance(endpoint, Server):
            endpoint._publish("error", err, self)
        else:
            endpoint._publish("error", err)

    # -- closing (section 8.2) -------------------------------------------------------------------

    async def close(self, timeout: Optional[float] = None) -> None:
        """Closes gracefully: writes everything emitted before, half-closes, waits for the peer
        to close its side (at most ``timeout`` seconds, default the endpoint's
        ``close_timeout``), then closes. Raises ``ERR_IPC_CLOSE_TIMEOUT`` when bytes were still
        unsent at the deadline."""
        transport = self.transport
        if transport is None or self._lost:
            return
        if not self._closing:
            self._flush()
            self._closing = True
            if transport.can_write_eof():
                transport.write_eof()  # after the buffered bytes: shutdown(SHUT_WR)
            else:
                transport.close()  # TLS: no half-close; close_notify after the buffered bytes
        limit = self.endpoint.close_timeout if timeout is None else timeout
        try:
            await asyncio.wait_for(asyncio.shield(self._closed), limit)
        except asyncio.TimeoutError:
            unsent = self.unsent_bytes
            transport.abort()
            await self._closed
            if unsent:
                raise IpcError(
                    "ERR_IPC_CLOSE_TIMEOUT", f"The peer did not close within {limit} s; {unsent} bytes were not sent"
                ) from None

    def abort(self) -> None:
        """Closes at once, dropping anything not yet written or read."""
        self._aborted = True
        self._closing = True
        self._outgoing = []
        if self.transport is not None and not self._lost:
            self.transport.abort()

    async def wait_closed(self) -> None:
        """Returns once the connection is gone."""
        await asyncio.shield(self._closed)


_SslArg = Optional[_ssl.SSLContext]


class Client(_Endpoint):
    """A client of one server, over a Unix socket (the default) or TCP / TLS.

    ``Client("world")`` connects to ``socket_root + appspace + "world"`` (``/tmp/app.world``);
    ``path=`` names the socket directly; ``host=`` or ``port=`` select TCP (defaults
    ``127.0.0.1`` and 8000); ``ssl=`` an :class:`ssl.SSLContext` for TLS over TCP.

    Events (``on``): ``connect()``, ``disconnect()``, ``error(err)``, ``data(bytes)`` (raw
    mode) and every message type, as ``handler(data)``. The client does not reconnect.
    """

    def __init__(
        self,
        id: Optional[str] = None,
        *,
        path: Optional[str] = None,
        host: Optional[str] = None,
        port: Optional[int] = None,
        ssl: _SslArg = None,
        server_hostname: Optional[str] = None,
        socket_root: str = DEFAULT_SOCKET_ROOT,
        appspace: str = DEFAULT_APPSPACE,
        raw: bool = False,
        delimiter: str = DEFAULT_DELIMITER,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        encoding: str = "utf-8",
        close_timeout: float = DEFAULT_CLOSE_TIMEOUT,
        missing: Any = None,
    ) -> None:
        super().__init__(
            raw=raw,
            delimiter=delimiter,
            max_message_size=max_message_size,
            encoding=encoding,
            close_timeout=close_timeout,
            missing=missing,
        )
        self.id = id
        self.tcp = host is not None or port is not None or ssl is not None
        self.host = host if host is not None else DEFAULT_HOST
        self.port = port if port is not None else DEFAULT_PORT
        if self.tcp:
            self.path: Optional[str] = None
        elif path is not None:
            self.path = path
        elif id is not None:
            self.path = socket_path(id, socket_root, appspace)
        else:
            raise ValueError("a Unix client needs an id (socket_root + appspace + id) or a path")
        self.ssl = ssl
        self.server_hostname = server_hostname
        self.connection: Optional[Connection] = None

    @property
    def connected(self) -> bool:
        return self.connection is not None and self.connection.connected

    async def connect(self, *, timeout: Optional[float] = None, retry: Optional[float] = None) -> None:
        """Connects. With ``retry`` (seconds), a refused or missing socket is retried that often
        until ``timeout`` seconds have passed; otherwise the first failure is raised
        (``ConnectionRefusedError``, ``FileNotFoundError``, ``asyncio.TimeoutError``, ...)."""
        if self.connection is not None and not self.connection._lost:
            raise IpcError("ERR_IPC_ALREADY_CONNECTED", "This client is connected; close() it first")
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            try:
                remaining = None if deadline is None else max(deadline - loop.time(), 0.0)
                await asyncio.wait_for(self._open(), remaining)
                return
            except (ConnectionRefusedError, FileNotFoundError):
                if retry is None or (deadline is not None and loop.time() + retry > deadline):
                    raise
            await asyncio.sleep(retry)

    async def _open(self) -> None:
        loop = asyncio.get_running_loop()
        factory = lambda: Connection(self)  # noqa: E731
        if self.tcp:
            hostname = self.server_hostname if self.server_hostname is not None else self.host
            await loop.create_connection(
                factory, self.host, self.port, ssl=self.ssl, server_hostname=hostname if self.ssl else None
            )
        else:
            assert self.path is not None
            await loop.create_unix_connection(
                factory, self.path, ssl=self.ssl, server_hostname=self.server_hostname if self.ssl else None
            )

    def _conn(self) -> Connection:
        if self.connection is None:
            raise IpcError("ERR_IPC_NOT_CONNECTED", "The client is not connected")
        return self.connection

    def emit(self, type: str, data: Any = MISSING) -> None:
        """Sends one message; raises ``ERR_IPC_NOT_CONNECTED`` when not connected."""
        self._conn().emit(type, data)

    def write(self, data: RawData) -> None:
        """Raw mode: sends bytes (a str in ``encoding``) as they are."""
        self._conn().write(data)

    async def request(self, type: str, data: Any = MISSING, *, timeout: Optional[float] = None) -> Any:
        """See :meth:`Connection.request`."""
        return await self._conn().request(type, data, timeout=timeout)

    async def drain(self) -> None:
        if self.connection is not None:
            await self.connection.drain()

    async def close(self, timeout: Optional[float] = None) -> None:
        """Graceful close (section 8.2): nothing emitted before is lost."""
        if self.connection is not None:
            await self.connection.close(timeout)

    async def __aenter__(self) -> Client:
        await self.connect()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def _handler_args(self, data: Any, conn: Connection) -> Tuple[Any, ...]:
        return (data,)

    def _connection_made(self, conn: Connection) -> None:
        self.connection = conn
        self._publish("connect")

    def _connection_lost(self, conn: Connection, exc: Optional[BaseException]) -> None:
        if exc is not None:
            self._publish("error", exc)
        self._publish("disconnect")


class Server(_Endpoint):
    """A server over a Unix socket (the default) or TCP / TLS.

    ``Server("world")`` listens on ``socket_root + appspace + "world"``; ``path=`` names the
    socket directly; ``host=`` or ``port=`` select TCP (``port=0``: any free port, read
    ``server.port`` after :meth:`start`); ``ssl=`` an :class:`ssl.SSLContext` for TLS.

    Events (``on``): ``start()``, ``connect(conn)``, ``socket.disconnected(conn, id)`` (``id``:
    the client's last ``data.id``, or ``None``), ``error(err, conn)``, ``data(bytes, conn)``
    (raw mode) and every message type, as ``handler(data, conn)``.
    """

    def __init__(
        self,
        id: Optional[str] = None,
        *,
        path: Optional[str] = None,
        host: Optional[str] = None,
        port: Optional[int] = None,
        ssl: _SslArg = None,
        socket_root: str = DEFAULT_SOCKET_ROOT,
        appspace: str = DEFAULT_APPSPACE,
        raw: bool = False,
        delimiter: str = DEFAULT_DELIMITER,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        encoding: str = "utf-8",
        close_timeout: float = DEFAULT_CLOSE_TIMEOUT,
        unlink: bool = True,
        missing: Any = None,
    ) -> None:
        super().__init__(
            raw=raw,
            delimiter=delimiter,
            max_message_size=max_message_size,
            encoding=encoding,
            close_timeout=close_timeout,
            missing=missing,
        )
        self.id = id
        self.tcp = host is not None or port is not None or ssl is not None
        self.host = host if host is not None else DEFAULT_HOST
        self.port = port if port is not None else DEFAULT_PORT
        self._socket_root: Optional[str] = None
        if self.tcp:
            self.path: Optional[str] = None
        elif path is not None:
            self.path = path
        elif id is not None:
            self.path = socket_path(id, socket_root, appspace)
            self._socket_root = socket_root
        else:
            raise ValueError("a Unix server needs an id (socket_root + appspace + id) or a path")
        self.ssl = ssl
        self.unlink = unlink
        self.connections: List[Connection] = []
        self._server: Optional[asyncio.AbstractServer] = None
        self._inode: Optional[Tuple[int, int]] = None

    async def start(self) -> None:
        """Listens. A stale socket file at the path (nothing accepts on it) is replaced when
        ``unlink`` is true; a live one raises ``OSError(EADDRINUSE)``."""
        if self._server is not None:
            raise IpcError("ERR_IPC_ALREADY_STARTED", "The server is already listening")
        loop = asyncio.get_running_loop()
        factory = lambda: Connection(self)  # noqa: E731
        if self.tcp:
            self._server = await loop.create_server(factory, self.host, self.port, ssl=self.ssl)
            sockets: Tuple[_socket.socket, ...] = tuple(self._server.sockets or ())
            if sockets:
                self.port = sockets[0].getsockname()[1]
        else:
            sock = self._bind_unix()
            self._server = await loop.create_unix_server(factory, sock=sock, ssl=self.ssl)
        self._publish("start")

    def _bind_unix(self) -> _socket.socket:
        assert self.path is not None
        if self._socket_root is not None:
            os.makedirs(self._socket_root, mode=0o700, exist_ok=True)
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            try:
                sock.bind(self.path)
            except OSError as err:
                if err.errno != errno.EADDRINUSE or not self.unlink or not _is_stale_socket(self.path):
                    raise
                os.unlink(self.path)
                sock.bind(self.path)
            info = os.stat(self.path)
            self._inode = (info.st_dev, info.st_ino)
        except BaseException:
            sock.close()
            raise
        return sock

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.is_serving()

    def emit(self, conn: Connection, type: str, data: Any = MISSING) -> None:
        """Sends one message to one client."""
        conn.emit(type, data)

    def write(self, conn: Connection, data: RawData) -> None:
        """Raw mode: sends bytes to one client."""
        conn.write(data)

    def broadcast(self, type: str, data: Any = MISSING) -> None:
        """Sends one message to every connected client (encoded once)."""
        self._check_json("broadcast")
        frame = encode_message(type, data, self.delimiter_bytes)
        for conn in list(self.connections):
            if conn.connected:
                conn._write(frame)

    def broadcast_raw(self, data: RawData) -> None:
        """Raw mode: sends bytes to every connected client."""
        for conn in list(self.connections):
            if conn.connected:
                conn.write(data)

    async def request(self, conn: Connection, type: str, data: Any = MISSING, *, timeout: Optional[float] = None) -> Any:
        """Sends a request to one client; see :meth:`Connection.request`."""
        return await conn.request(type, data, timeout=timeout)

    async def close(self, timeout: Optional[float] = None) -> None:
        """Stops listening and closes every client gracefully (section 8.2), concurrently;
        returns when all are closed and the socket file is removed. Raises the first
        ``ERR_IPC_CLOSE_TIMEOUT``."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        results = await asyncio.gather(*(conn.close(timeout) for conn in list(self.connections)), return_exceptions=True)
        if server is not None:
            await server.wait_closed()
            self._remove_socket_file()
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def wait_closed(self) -> None:
        """Returns once the server stopped listening (e.g. ``serve_forever`` style)."""
        if self._server is not None:
            await self._server.wait_closed()

    async def __aenter__(self) -> Server:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def _remove_socket_file(self) -> None:
        if self.path is None or self._inode is None:
            return
        try:
            info = os.stat(self.path)
            if (info.st_dev, info.st_ino) == self._inode and stat.S_ISSOCK(info.st_mode):
                os.unlink(self.path)
        except OSError:
            pass
        self._inode = None

    def _handler_args(self, data: Any, conn: Connection) -> Tuple[Any, ...]:
        return (data, conn)

    def _connection_made(self, conn: Connection) -> None:
        self.connections.append(conn)
        self._publish("connect", conn)

    def _connection_lost(self, conn: Connection, exc: Optional[BaseException]) -> None:
        if conn in self.connections:
            self.connections.remove(conn)
        if exc is not None:
            self._publish("error", exc, conn)
        self._publish("socket.disconnected", conn, conn.id)


def _is_stale_socket(path: str) -> bool:
    """True when ``path`` is a socket file nothing accepts on (a server that died)."""
    try:
        if not stat.S_ISSOCK(os.stat(path).st_mode):
            return False
    except OSError:
        return False
    probe = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    finally:
        probe.close()
    return False

