/**
 * Lets the command finish quietly when whoever reads its output stops early (`query … | head -1`):
 * the write's EPIPE would otherwise be an uncaught error with a stack trace. The command runs to
 * its end and exits with its own status, the rest of its output dropped (the reader asked for no
 * more by closing the pipe).
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // After an EPIPE the stream is destroyed and later writes fail with this code: dropped too.
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}
