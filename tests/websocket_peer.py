#!/usr/bin/env python3
"""An independent WebSocket server for tests/websocket.rs: Debian's python3-websockets.

Our client (src/websocket.rs) is checked against an implementation we did not write. The server
listens on 127.0.0.1 on a free port, prints `port N` on stdout, then one line per finished
connection: `closed <code>` (the close code it received, or 1006 when there was none).

Each text message is a command:
  echo <text>              answer <text>
  binary <text>            answer <text> as a binary message
  fragments <n> <text>     answer <text> in n fragments (continuation frames)
  fragments-ping <text>    answer <text> in two fragments with a ping between them
  ping <text>              send a ping, wait up to 5 s for the pong, then answer
                           `pong-ok <text>` or `pong-missing`
  big <n>                  answer a text message of n 'x'
  close <code> <reason>    start the close handshake with that code and reason
  drop                     abort the TCP connection without a close frame
  silence                  answer nothing
It stops when stdin closes.
"""

import asyncio
import sys

import websockets


async def handle(ws, *_):
    try:
        async for message in ws:
            if isinstance(message, bytes):
                message = message.decode()
            command, _, rest = message.partition(" ")
            if command == "echo":
                await ws.send(rest)
            elif command == "binary":
                await ws.send(rest.encode())
            elif command == "fragments":
                count, _, text = rest.partition(" ")
                count = max(1, int(count))
                size = max(1, -(-len(text) // count))
                await ws.send([text[i:i + size] for i in range(0, len(text), size)])
            elif command == "fragments-ping":
                async def parts():
                    yield rest[: len(rest) // 2]
                    await ws.ping(b"between")
                    yield rest[len(rest) // 2:]
                await ws.send(parts())
            elif command == "ping":
                waiter = await ws.ping(b"are you there")
                try:
                    await asyncio.wait_for(waiter, 5)
                    await ws.send("pong-ok " + rest)
                except asyncio.TimeoutError:
                    await ws.send("pong-missing")
            elif command == "big":
                await ws.send("x" * int(rest))
            elif command == "close":
                code, _, reason = rest.partition(" ")
                await ws.close(int(code), reason)
            elif command == "drop":
                ws.transport.abort()
                return
            elif command == "silence":
                pass
            else:
                await ws.send("unknown command")
    except websockets.ConnectionClosed:
        pass
    finally:
        await ws.wait_closed()
        print(f"closed {ws.close_code if ws.close_code is not None else 1006}", flush=True)


async def main():
    async with websockets.serve(handle, "127.0.0.1", 0, max_size=2**24, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"port {port}", flush=True)
        loop = asyncio.get_running_loop()
        # Runs until the test closes our stdin (or dies).
        await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main())
