/**
 * Node writes to a terminal synchronously on POSIX (tty.WriteStream sets its handle blocking): a
 * terminal that stops taking output — Ctrl-S (XOFF), a frozen ssh link — blocks the whole process
 * inside write(2), so the socket is not read and Redis disconnects the watcher once 32 MB are
 * waiting for it. Made non-blocking, the terminal behaves as a pipe does: output it has not taken
 * waits in the stream (`writableLength`), which the render queue counts against its bound, so
 * messages are dropped and counted meanwhile and the drops are reported once it reads again.
 *
 * Safe for the shell sharing the terminal: libuv opens a terminal again for a file description
 * of its own before anything makes it non-blocking (uv_tty_init), so the O_NONBLOCK flag stays
 * ours. The returned function puts it back to blocking all the same, for the case libuv could
 * not open it again (not a pty or tty slave), where the flag would be shared.
 */
import type { Writable } from 'node:stream';

interface TtyHandle {
  /** libuv's uv_stream_set_blocking: 0, or a negative errno. */
  setBlocking(blocking: boolean): number;
}

/** Makes writes to `stream` non-blocking if it is a terminal; returns what undoes it. */
export function nonBlockingTerminal(stream: Writable & { isTTY?: boolean }): () => void {
  if (stream.isTTY !== true) return () => undefined;
  // Private, but stable since Node 6 (lib/tty.js calls it itself); checked before use.
  const handle = (stream as unknown as { _handle?: Partial<TtyHandle> })._handle;
  if (typeof handle?.setBlocking !== 'function') return () => undefined;
  const tty = handle as TtyHandle;
  if (tty.setBlocking(false) !== 0) return () => undefined;
  return () => void tty.setBlocking(true);
}
