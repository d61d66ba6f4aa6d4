"""A WebSocket (RFC 6455) over the connection moto's werkzeug server hands to a request: what ACS and TCS
(lab_acs.py) speak to the real ECS agent.

Written here rather than taken from a library because the lab's moto may be a user's own Python (find-moto.ts)
that has moto's dependencies and nothing more, and none of them speaks WebSocket. Only what the agent's client
(gorilla/websocket) uses: text messages, fragmentation, ping/pong, close; no extensions, no subprotocols.
"""

import base64
import hashlib
import socket
import struct
import threading

HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
NORMAL_CLOSURE, PROTOCOL_ERROR, MESSAGE_TOO_BIG = 1000, 1002, 1009
# An ACS payload with a few tasks is a few KB; a TCS metrics message of many tasks is larger. A message past
# its cap ends the connection (1009), whatever its fragments.
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
MAX_FRAGMENTS = 1024
MAX_CONTROL_PAYLOAD = 125  # RFC 6455 5.5
# A peer silent this long is gone: its session (a server thread) ends. The agent acks every heartbeat the
# lab sends each 30 s (ACS) and publishes metrics and health every 20-30 s (TCS).
IDLE_TIMEOUT_SECONDS = 300.0


def is_upgrade(environ) -> bool:
    """A WebSocket opening handshake (RFC 6455 4.1): GET with Upgrade: websocket and a key."""
    return (
        environ.get("REQUEST_METHOD") == "GET"
        and environ.get("HTTP_UPGRADE", "").lower() == "websocket"
        and "upgrade" in environ.get("HTTP_CONNECTION", "").lower()
        and bool(environ.get("HTTP_SEC_WEBSOCKET_KEY"))
    )


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + HANDSHAKE_GUID).encode()).digest()).decode()


def _unmask(payload: bytes, mask: bytes) -> bytes:
    if not payload:
        return payload
    repeated = (mask * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")


class WebSocket:
    """The server end of one connection: `receive` in one thread, `send` from any."""

    def __init__(self, sock, max_message_bytes: int = MAX_MESSAGE_BYTES):
        self._sock = sock
        self._send_lock = threading.Lock()
        self._max_message_bytes = max_message_bytes
        self.closed = threading.Event()

    @classmethod
    def accept(cls, environ, max_message_bytes: int = MAX_MESSAGE_BYTES) -> "WebSocket":
        """Answers the handshake (101) on werkzeug's socket; the caller then owns the connection."""
        sock = environ["werkzeug.socket"]
        # Reads time out (a silent peer ends its session, see receive); sends share the limit, so a peer that
        # stops reading cannot hold a sender forever either.
        sock.settimeout(IDLE_TIMEOUT_SECONDS)
        response = (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept_key(environ['HTTP_SEC_WEBSOCKET_KEY'])}\r\n\r\n"
        )
        sock.sendall(response.encode())
        return cls(sock, max_message_bytes)

    def send(self, text: str) -> None:
        self._send_frame(TEXT, text.encode())

    def close(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        if self.closed.is_set():
            return
        try:
            self._send_frame(CLOSE, struct.pack("!H", code) + reason.encode()[:120])
        except OSError:
            pass  # the peer went first
        self._end()

    def receive(self) -> str | None:
        """The next text message; None once the connection closed (by either end, or silent past the idle
        timeout). Fragments are gathered in a list and joined once: linear in the message's size."""
        fragments: list[bytes] = []
        size = 0
        while not self.closed.is_set():
            try:
                fin, opcode, payload = self._read_frame()
            except (OSError, ValueError):  # socket.timeout is an OSError
                self._end()
                return None
            if opcode == PING:
                self._send_frame(PONG, payload)
            elif opcode == CLOSE:
                self.close(struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else NORMAL_CLOSURE)
                return None
            elif opcode in (TEXT, BINARY, CONTINUATION):
                fragments.append(payload)
                size += len(payload)
                if size > self._max_message_bytes or len(fragments) > MAX_FRAGMENTS:
                    self.close(MESSAGE_TOO_BIG)
                    return None
                if fin:
                    return b"".join(fragments).decode("utf-8", "replace")
        return None

    def _read_exact(self, count: int) -> bytes:
        data = bytearray(count)
        view, filled = memoryview(data), 0
        while filled < count:
            received = self._sock.recv_into(view[filled:], count - filled)
            if not received:
                raise ConnectionError("the peer closed the connection")
            filled += received
        return bytes(data)

    def _read_frame(self) -> tuple[bool, int, bytes]:
        first, second = self._read_exact(2)
        opcode = first & 0x0F
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._read_exact(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read_exact(8))[0]
        if not second & 0x80:
            raise ValueError("a client frame must be masked (RFC 6455 5.1)")
        if opcode >= CLOSE and (length > MAX_CONTROL_PAYLOAD or not first & 0x80):
            raise ValueError("a control frame carries at most 125 bytes, unfragmented (RFC 6455 5.5)")
        if length > self._max_message_bytes:
            raise ValueError("frame too large")  # before reading it: nothing past the cap is buffered
        mask = self._read_exact(4)
        return bool(first & 0x80), opcode, _unmask(self._read_exact(length), mask)

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self._send_lock:
            self._sock.sendall(header + payload)

    def _end(self) -> None:
        # Shut down, not closed: werkzeug's handler closes its socket when the request ends.
        self.closed.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
