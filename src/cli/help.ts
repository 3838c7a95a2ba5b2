/**
 * `--help` texts: the overview and one page per command, each with examples. docs/CLI.md is
 * the full reference; these pages are what fits on a screen.
 */

const TARGETS = `Targets:
  /tmp/app.world       a Unix socket path or Windows pipe (anything with / or \\)
  world                an id: socketRoot + appspace + id (--socket-root, --appspace;
                       defaults /tmp/ and app., as ipc.connectTo('world'))
  localhost:8000       TCP (also [::1]:8000, :8000 for 127.0.0.1, tcp://host:port)
  tls://localhost:8000 TLS (--cert, --key, --ca, --insecure)
  udp4://127.0.0.1:8000, udp6://[::1]:8000   UDP (listen and send only)`;

const CODEC = `Wire:
  --raw                raw mode: bytes, no framing, no types (node-ipc rawBuffer)
  --encoding <enc>     raw text typed or given as data: utf8 (default), hex, base64, latin1
  --delimiter <text>   frame delimiter (default \\f; escapes \\f \\n \\r \\t \\0 \\xHH \\uHHHH)
  --parser <profile>   node-ipc 14 profile: fast, guarded or assured
  --allowed-events <a,b>   the event names assured accepts and sends`;

const COMMON = `Output:
  --json               one JSON object per line on stdout ({"time", "event", ...})
  -h, --help           this help
Colours on a terminal only; NO_COLOR turns them off, FORCE_COLOR on.`;

const EXIT = `Exit codes:
  0 done   1 remote handler failed   2 bad arguments   3 nothing listens / cannot listen
  4 TLS handshake failed   5 connection closed too early   6 timeout   7 other failure
  130 interrupted`;

/** The overview (`node-ipc-ts --help`). */
export const OVERVIEW = `node-ipc-ts: look at and talk to node-ipc endpoints (node-ipc 9/10/14 wire)

Usage:
  node-ipc-ts listen  <target>                     serve; print what arrives, send typed lines
  node-ipc-ts connect <target>                     interactive client; .request type data
  node-ipc-ts send    <target> <type> [data]       emit one message, exit once handed over
  node-ipc-ts request <target> <type> [data]       one request, print the reply as JSON
  node-ipc-ts proxy   --listen <target> --to <target>   forward bytes, print every frame
  node-ipc-ts conformance --server <target> | --server -- <cmd> | --client -- <cmd>
                                                   check a wire implementation (docs/PROTOCOL.md §11)

  node-ipc-ts <command> --help    flags and examples of a command
  node-ipc-ts --version

${TARGETS}

Data: JSON when it parses as JSON ({"a":1}, [1], "text", 42, true, null), else the text itself.

${EXIT}

Full reference: docs/CLI.md in the package's repository.
`;

/** One page per command. */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  listen: `node-ipc-ts listen <target> [flags]

Serves <target>. Prints every connect, disconnect and message (time, client #N, type, data).
Each line typed on stdin is sent to every client: "type {json}" or "type text"; "@2 type data"
sends to client #2 only. Runs until Ctrl-C (closes gracefully, exit 0).

Flags:
  --socket-root <dir>  --appspace <prefix>   how an id target resolves
  --cert <file> --key <file>   TLS: the server's certificate and key (tls:// targets)
  --ca <file>          TLS: ask clients for a certificate this CA signed (mutual TLS)
${CODEC}
${COMMON}

Examples:
  node-ipc-ts listen world                       # /tmp/app.world
  node-ipc-ts listen :0 --json                   # TCP on a free port, JSON lines
  node-ipc-ts listen tls://localhost:8443 --cert server.pem --key server.key
  node-ipc-ts listen udp4://127.0.0.1:8000
  node-ipc-ts listen /tmp/raw.sock --raw --encoding hex   # type hex, see hex

${TARGETS}

${EXIT}
`,
  connect: `node-ipc-ts connect <target> [flags]

Connects to <target>, prints what the server sends, sends each typed line:
  type {json} | type text        a message
  .request type {json}           a request; prints the reply (or the remote error)
  .exit                          close and exit
Lines run in order; a .request holds later lines until its reply. Reconnects as the library
does (every --retry ms, forever unless --max-retries) and says so. The end of stdin closes
after the lines read so far (waiting at most --timeout for a connection if messages wait for
one); .exit and Ctrl-C close at once. Either way gracefully, exit 0.

Flags:
  --socket-root <dir>  --appspace <prefix>   how an id target resolves
  --ca <file>          TLS: trust this CA (default: the system's)
  --cert <file> --key <file>   TLS: a client certificate (mutual TLS)
  --insecure           TLS: do not verify the server's certificate
  --retry <ms>         wait between reconnect attempts (default 500)
  --max-retries <n>    give up after n failed attempts (default: never)
  --timeout <ms>       a .request's wait for the connection and its reply (default 10000; 0: none)
  --no-stdin           only watch: read nothing from stdin
${CODEC}
${COMMON}

Examples:
  node-ipc-ts connect world
  printf 'ping {"n":1}\\n.request add {"a":1,"b":2}\\n' | node-ipc-ts connect /tmp/app.world --json
  node-ipc-ts connect tls://localhost:8443 --ca ca.pem
  node-ipc-ts connect localhost:8000 --no-stdin --json | jq .

${TARGETS}

${EXIT}
`,
  send: `node-ipc-ts send <target> <type> [data] [flags]
node-ipc-ts send --raw <target> <bytes> [flags]

Connects, emits one message, closes gracefully and exits 0 once the message was handed over
(written, and the server closed its side). No reconnect. Prints the message it sent.
UDP: one datagram; exit 0 means the system sent it (UDP cannot tell more).

Flags:
  --socket-root <dir>  --appspace <prefix>   how an id target resolves
  --ca <file>  --cert <file> --key <file>  --insecure   TLS, as for connect
  --timeout <ms>       for the connection, and for handing the message over (default 10000; 0: none)
${CODEC}
${COMMON}

Examples:
  node-ipc-ts send world message '"hello"'
  node-ipc-ts send /tmp/app.world app.update '{"id":7,"done":true}'
  node-ipc-ts send localhost:8000 ping
  node-ipc-ts send udp4://127.0.0.1:8000 hello '{"from":"cli"}'
  node-ipc-ts send --raw --encoding hex /tmp/raw.sock 68656c6c6f0a

${EXIT}
`,
  request: `node-ipc-ts request <target> <type> [data] [flags]

Sends one request of the Async API (server.handle(type, fn) answers it) and prints the
reply as JSON (null when the handler returned nothing). Exit 1 when the handler failed
(its error's name, message and code on stderr) or nothing handles the type; 6 on timeout.

Flags:
  --socket-root <dir>  --appspace <prefix>   how an id target resolves
  --ca <file>  --cert <file> --key <file>  --insecure   TLS, as for connect
  --timeout <ms>       for the connection, then for the reply (default 10000; 0: none)
  --delimiter <text>  --parser <profile>  --allowed-events <a,b>   as for connect
${COMMON}

Examples:
  node-ipc-ts request world add '{"a":1,"b":2}'          # prints 3
  node-ipc-ts request localhost:8000 status --timeout 500
  node-ipc-ts request world user 42 --json | jq .data.name

${EXIT}
`,
  conformance: `node-ipc-ts conformance --server <target> [--raw-server <target>] [--delimiter-server <target>]
node-ipc-ts conformance --server -- <command ...>
node-ipc-ts conformance --client -- <command ...>

Checks an implementation of the wire protocol: runs the named cases of docs/PROTOCOL.md §11
against it, one line per case (PASS, FAIL with what differed, SKIP), then a summary line.
The implementation runs an adapter (echo, broadcast, add, fail, ask, farewell, hello; §11.2).
With a command the kit starts it per mode group (json, raw, delimiter \r\n) with
NODE_IPC_CONFORMANCE_TARGET, _MODE and _DELIMITER set, and kills it afterwards.

Flags:
  --server             the implementation under test is a server (a target, or -- <command>)
  --client             it is a client: the kit listens and starts -- <command>
  --raw-server <target>        the same implementation's server in raw mode
  --delimiter-server <target>  its server with delimiter \r\n
  --timeout <ms>       each wait of a case (default 5000)
  --case <a,b>         run only these cases
  --expect-fail <a,b>  these cases are known to fail: XFAIL, or XPASS (counted as a failure)
  --socket-root <dir>  --appspace <prefix>   how an id target resolves
${COMMON}

Examples:
  node-ipc-ts conformance --server /tmp/app.world --raw-server /tmp/app.raw
  node-ipc-ts conformance --server -- python3 peers/python/conformance_adapter.py server
  node-ipc-ts conformance --client --json -- node conformance/adapters/node-ipc-ts.js client
  node-ipc-ts conformance --server --case framing.one-frame,request.ask -- ./my-peer

Exit codes: 0 nothing failed unexpectedly   1 a case failed   2 bad arguments
`,
  proxy: `node-ipc-ts proxy --listen <target> --to <target> [flags]

Sits between a real client and a real server: each connection to --listen gets its own
connection to --to, every byte is forwarded unchanged both ways (half-close included),
and every frame is printed decoded, with its connection #N, direction and time.
Point the client at --listen instead of the server; nothing else changes.

Flags:
  --listen <target>    where the client connects (port 0: a free one, printed)
  --to <target>        the real server
  --cert <file> --key <file>   TLS on --listen (the client sees this certificate)
  --ca <file>          TLS on --listen: require client certificates this CA signed
  --to-ca <file>  --to-cert <file> --to-key <file>  --insecure   TLS toward --to
  --socket-root <dir>  --appspace <prefix>   how id targets resolve
  --raw                show chunks as bytes instead of frames
  --delimiter <text>   frame delimiter of the tap (default \\f)
${COMMON}

Examples:
  node-ipc-ts proxy --listen /tmp/app.tap --to /tmp/app.world
  node-ipc-ts proxy --listen :9000 --to localhost:8000 --json
  node-ipc-ts proxy --listen tls://localhost:9443 --cert s.pem --key s.key --to tls://localhost:8443 --to-ca ca.pem

${EXIT}
`,
};
