import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { clearProgress, Progress } from '../../src/cli/progress.js';

/** A stream that records what is written, as a terminal or a pipe. */
function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('the progress line', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('on a terminal, shows files read of files listed during a long load, then clears itself', () => {
    const tty = stream(true);
    const progress = new Progress(tty, 'loading:');
    progress.start(3000);
    vi.advanceTimersByTime(500);
    progress.tick();
    expect(tty.written).toEqual(['\rloading: 1/3000 files']);
    progress.tick(); // within the redraw interval: not drawn
    vi.advanceTimersByTime(150);
    progress.tick();
    expect(tty.written[1]).toBe('\rloading: 3/3000 files');
    progress.end();
    expect(tty.written[2]).toBe('\r\x1b[2K');
  });

  test('a short load shows nothing', () => {
    const tty = stream(true);
    const progress = new Progress(tty, 'loading:');
    progress.start(2);
    progress.tick();
    progress.tick();
    progress.end();
    expect(tty.written).toEqual([]);
  });

  test('when not a terminal, shows nothing at all', () => {
    const pipe = stream(false);
    const progress = new Progress(pipe, 'loading:');
    progress.start(3000);
    vi.advanceTimersByTime(1000);
    for (let i = 0; i < 3000; i++) progress.tick();
    progress.end();
    expect(pipe.written).toEqual([]);
  });

  test('clearProgress() clears a line a later load drew, so the next line starts at column 0', () => {
    const tty = stream(true);
    const progress = new Progress(tty, 'loading w:');
    progress.start(5);
    progress.end(); // the first load, done
    vi.advanceTimersByTime(10_000);
    progress.start(5); // a reload of watch: also quiet for its first moments
    progress.tick();
    expect(tty.written).toEqual([]);
    vi.advanceTimersByTime(400);
    progress.tick();
    expect(tty.written).toEqual(['\rloading w: 2/5 files']);
    clearProgress();
    expect(tty.written[1]).toBe('\r\x1b[2K');
    clearProgress(); // nothing drawn any more: nothing written
    expect(tty.written).toHaveLength(2);
  });
});
