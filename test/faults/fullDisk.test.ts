/**
 * Fault: the disk holding the history is full (a real tmpfs filled to the last byte, so writes fail with
 * ENOSPC). Type first, then keep: the transcript is typed (a stub xdotool records what it was asked to
 * type) and shown, the failed save is reported and retried, and once space is freed the retry keeps it.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStubDir } from '../unit/output/stubTools';
import { clip, clipAudio, concat, failures, pushAudio, Scratch, silence, speechMissing } from './support';

const scratch = new Scratch();
afterEach(() => scratch.release());

/** A 512 KiB tmpfs at `dir`, filled up; returns the filler to delete, or why mounting is impossible here. */
async function fullDisk(dir: string): Promise<{ filler: string } | { skip: string }> {
  await mkdir(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    return { skip: `cannot mount a tmpfs (${String(error)}); the full-disk case needs mount privileges` };
  }
  scratch.later(() => Promise.resolve(execFileSync('umount', ['-l', dir], { stdio: 'pipe' })));
  const filler = join(dir, 'filler');
  await writeFile(filler, Buffer.alloc(1024 * 1024)).catch(() => undefined); // ENOSPC: full to the brim
  return { filler };
}

describe.skipIf(speechMissing !== null)('the history’s disk is full', () => {
  it('the transcript is typed first and shown; the failed save is reported and retried until space is freed', async () => {
    const home = await scratch.home({ speech: { outputMode: 'type' } });
    const disk = await fullDisk(join(home, 'history'));
    if ('skip' in disk) {
      console.warn(`full-disk case skipped: ${disk.skip}`);
      return;
    }
    const stubs = await createStubDir();
    scratch.later(() => stubs.remove());
    await stubs.add('xdotool');
    const engine = scratch.engine(['--probe', 'none'], home, {
      PATH: stubs.dir,
      DISPLAY: ':97',
      WAYLAND_DISPLAY: '',
      XDG_SESSION_TYPE: '',
    });
    await engine.waitFor((e) => e.type === 'report');
    const spoken = clip('hello world');
    await engine.client.call('dictation.start', { source: 'push' });
    await pushAudio(engine, concat(await clipAudio(spoken), silence(1500)));

    await engine.waitFor((e) => e.type === 'failure' && e.during === 'saving transcript 1 to the history');
    // Typed before the save was even tried, and shown (the transcript event).
    const typed = (await stubs.calls()).filter((c) => c[0] === 'xdotool');
    expect(typed.map((c) => c.at(-1))).toEqual([spoken.text]);
    expect(engine.events.some((e) => e.type === 'transcript' && e.text === spoken.text)).toBe(true);
    const said = failures(engine).find((f) => f.during === 'saving transcript 1 to the history');
    expect(said?.message).toMatch(/ENOSPC|no space left/i);
    expect(said?.message).toMatch(/still shown .*retrying 3 times/);

    // Space comes back while the engine retries: the transcript lands in the history.
    await rm(disk.filler);
    expect((await engine.client.call('dictation.stop')).transcripts).toBe(1);
    const history = await engine.client.call('history.list', { limit: 5 });
    expect(history.entries.map((h) => h.text)).toEqual([spoken.text]);
    expect(await readFile(join(home, 'history', 'transcripts.jsonl'), 'utf8')).toContain(spoken.text);
  });
});
