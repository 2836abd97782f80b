import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyComboArgs, parseKeyCombo } from '../../../electron/engine/output/keyCombo';
import { ToolError } from '../../../electron/engine/output/runTool';
import {
  NoTypingToolError,
  pressKeys,
  splitForTyping,
  typeText,
  typingArgs,
} from '../../../electron/engine/output/typeText';
import { createStubDir, type StubDir } from './stubTools';

let stubs: StubDir;
beforeEach(async () => {
  stubs = await createStubDir();
});
afterEach(async () => {
  await stubs.remove();
});

const x11 = () => ({ env: stubs.env({ DISPLAY: ':0' }), platform: 'linux' as const });
const wayland = () => ({ env: stubs.env({ WAYLAND_DISPLAY: 'wayland-0' }), platform: 'linux' as const });

describe('typingArgs', () => {
  it('always puts the text after -- so a leading dash is typed, not parsed', () => {
    expect(typingArgs('xdotool', '-h', 12)).toEqual([
      'type',
      '--clearmodifiers',
      '--delay',
      '12',
      '--',
      '-h',
    ]);
    expect(typingArgs('wtype', '--help')).toEqual(['--', '--help']);
    expect(typingArgs('ydotool', '-d 5')).toEqual(['type', '--', '-d 5']);
  });
});

describe('typeText', () => {
  const nasty = `-rf $(touch PWNED) \`touch PWNED2\`; "quoted" 'single' \\ * ~\nnext line ünïcödé 🎤`;

  it('passes the text as one literal argument, without a shell', async () => {
    await stubs.add('xdotool');
    await typeText(nasty, { ...x11(), delayMs: 3 });
    expect(await stubs.calls()).toEqual([
      ['xdotool', 'type', '--clearmodifiers', '--delay', '3', '--', nasty],
    ]);
    expect(existsSync(path.join(stubs.dir, 'PWNED'))).toBe(false);
    expect(existsSync('PWNED')).toBe(false);
  });

  it('uses the session’s tool and its argument form', async () => {
    await stubs.add('wtype');
    await typeText('-hello', wayland());
    await stubs.add('ydotool');
    await typeText('world', { ...wayland(), tool: 'ydotool' });
    expect(await stubs.calls()).toEqual([
      ['wtype', '--', '-hello'],
      ['ydotool', 'type', '--', 'world'],
    ]);
  });

  it('does nothing for empty text', async () => {
    await stubs.add('xdotool');
    await typeText('', x11());
    expect(await stubs.calls()).toEqual([]);
  });

  it('types long text in pieces without splitting characters', async () => {
    await stubs.add('xdotool');
    const text = '🎤'.repeat(1500) + 'end';
    await typeText(text, { ...x11(), delayMs: 0 });
    const typed = (await stubs.calls()).map((c) => c.at(-1) ?? '');
    expect(typed).toHaveLength(2);
    expect(typed.join('')).toBe(text);
    expect(splitForTyping('ab🎤cd', 3)).toEqual(['ab🎤', 'cd']);
  });

  it('rejects with the tool’s stderr and exit status when it fails', async () => {
    await stubs.add('xdotool', `echo "Error: Can't open display: :0" >&2; exit 1`);
    const err = await typeText('hi', x11()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).message).toBe(`xdotool failed (exit 1): Error: Can't open display: :0`);
    expect((err as ToolError).exitCode).toBe(1);
    // The dictated text never ends up in an error message (and from there in logs).
    expect((err as ToolError).message).not.toContain('hi');
  });

  it('kills a tool that hangs and says it timed out', async () => {
    await stubs.add('xdotool', 'exec /bin/sleep 10');
    const started = Date.now();
    const err = await typeText('hi', { ...x11(), timeoutMs: 200 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).timedOut).toBe(true);
    expect((err as ToolError).message).toMatch(/^xdotool timed out after 200 ms/);
  });

  it('says what to install when there is no typing tool', async () => {
    await expect(typeText('hi', x11())).rejects.toThrow(
      new NoTypingToolError('no typing tool found: install xdotool'),
    );
    await expect(typeText('hi', { ...x11(), tool: 'wtype' })).rejects.toThrow(/wtype is not installed/);
  });
});

describe('key chords', () => {
  it('parses chords and rejects unknown keys', () => {
    expect(parseKeyCombo('Ctrl+Shift+V')).toEqual({ modifiers: ['ctrl', 'shift'], key: 'v' });
    expect(parseKeyCombo('shift+Insert')).toEqual({ modifiers: ['shift'], key: 'insert' });
    expect(() => parseKeyCombo('ctrl+F13')).toThrow(/unsupported paste key/);
    expect(() => parseKeyCombo('hyper+v')).toThrow(/unknown modifier "hyper"/);
    expect(() => parseKeyCombo('')).toThrow(/unsupported paste key/);
    expect(() => parseKeyCombo('ctrl+constructor')).toThrow(/unsupported paste key/);
    expect(() => parseKeyCombo('toString+v')).toThrow(/unknown modifier/);
  });

  it('spells the chord for each tool', () => {
    const chord = parseKeyCombo('ctrl+shift+v');
    expect(keyComboArgs('xdotool', chord)).toEqual(['key', '--clearmodifiers', 'ctrl+shift+v']);
    expect(keyComboArgs('wtype', chord)).toEqual([
      '-M',
      'ctrl',
      '-M',
      'shift',
      '-k',
      'v',
      '-m',
      'shift',
      '-m',
      'ctrl',
    ]);
    expect(keyComboArgs('ydotool', chord, 'keycodes')).toEqual([
      'key',
      '29:1',
      '42:1',
      '47:1',
      '47:0',
      '42:0',
      '29:0',
    ]);
    expect(keyComboArgs('ydotool', chord, 'names')).toEqual(['key', 'ctrl+shift+v']);
    expect(keyComboArgs('xdotool', parseKeyCombo('shift+insert'))).toEqual([
      'key',
      '--clearmodifiers',
      'shift+Insert',
    ]);
  });

  it('asks ydotool which generation it is before pressing keys', async () => {
    await stubs.add(
      'ydotool',
      `[ "$1" = --version ] && printf 'ydotool version(or hash): \\nv1.0.4\\n'; exit 0`,
    );
    await pressKeys('ctrl+v', wayland());
    const calls = await stubs.calls();
    expect(calls).toEqual([
      ['ydotool', '--version'],
      ['ydotool', 'key', '29:1', '47:1', '47:0', '29:0'],
    ]);
  });

  it('uses key names with ydotool 0.1.x, which has no --version', async () => {
    await stubs.add(
      'ydotool',
      `[ "$1" = --version ] && { echo 'ydotool: Unknown command' >&2; exit 1; }; exit 0`,
    );
    // A different path from the test above: the generation is cached per binary.
    await pressKeys('ctrl+v', wayland());
    expect((await stubs.calls()).at(-1)).toEqual(['ydotool', 'key', 'ctrl+v']);
  });
});
