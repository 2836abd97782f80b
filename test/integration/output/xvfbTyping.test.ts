import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTextOutput } from '../../../electron/engine/output/textOutput';
import { typeText } from '../../../electron/engine/output/typeText';
import { describeOutputSupport } from '../../../electron/engine/output/typingTools';
import { missingTools, startXvfb, waitForFileContent, type XvfbSession } from './xvfbSession';

// Real typing into a real X11 window: Xvfb + xterm running `cat > file`, typed into with xdotool.
const missing = await missingTools(['Xvfb', 'xterm', 'xdotool']);
if (missing.length > 0) {
  console.log(
    `skipping Xvfb typing tests: ${missing.join(', ')} not installed (apt-get install xvfb xterm xdotool)`,
  );
}

describe.skipIf(missing.length > 0)('typing into an X11 window (Xvfb, xterm, xdotool)', () => {
  let session: XvfbSession | undefined;
  let tmp = '';

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'swictation-xvfb-'));
    session = await startXvfb();
  });

  afterAll(async () => {
    await session?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  function current(): XvfbSession {
    if (!session) throw new Error('Xvfb did not start');
    return session;
  }

  it('detects xdotool for the session', async () => {
    const support = await describeOutputSupport({ env: current().env, platform: 'linux' });
    expect(support.displayServer).toBe('x11');
    expect(support.typing?.name).toBe('xdotool');
  });

  it('types a transcript into the focused window', async () => {
    const out = path.join(tmp, 'typed.txt');
    await current().openCatTerminal(out);
    await typeText('check memory status ready\n', { env: current().env });
    const content = await waitForFileContent(out, 'check memory status ready\n');
    expect(content).toBe('check memory status ready\n');
  });

  it('types shell syntax and a leading dash literally, through the text output', async () => {
    const out = path.join(tmp, 'literal.txt');
    await current().openCatTerminal(out);
    const text = `--help -x $(echo no) 'quoted' "double" ; done`;
    const result = await createTextOutput('type', { env: current().env, delayMs: 2 }).deliver(text);
    expect(result).toEqual({ mode: 'type', ok: true });
    // The text output types no line breaks (control characters are removed): end cat's line directly.
    await typeText('\n', { env: current().env });
    expect(await waitForFileContent(out, `${text}\n`)).toBe(`${text}\n`);
  });
});
