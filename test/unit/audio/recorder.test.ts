import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRecorder, recorderSource, RecorderNotFoundError } from '../../../electron/engine/audio/recorder';

const root = mkdtempSync(join(tmpdir(), 'swictation-rec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fake recorder: a Node script (absolute interpreter path, so PATH may hold nothing else) writing float32le. */
function fakeRecorder(dirName: string, name: string, body: string): string {
  const dir = join(root, dirName);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(
    file,
    `#!${process.execPath}\n` +
      `require('fs').writeFileSync(${JSON.stringify(join(dir, 'args.json'))}, JSON.stringify({ args: process.argv.slice(2), pid: process.pid }));\n` +
      body,
  );
  chmodSync(file, 0o755);
  return dir;
}

/** Writes samples 0, 1e-3, 2e-3, … in writes of odd byte sizes (not multiples of 4). */
const rampBody = (count: number): string => `
const buf = Buffer.alloc(${count} * 4);
for (let i = 0; i < ${count}; i++) buf.writeFloatLE(i * 1e-3, i * 4);
let off = 0;
const sizes = [3, 1001, 7, 4096, 2];
let k = 0;
function next() {
  if (off >= buf.length) return;
  const n = Math.min(sizes[k++ % sizes.length], buf.length - off);
  process.stdout.write(buf.subarray(off, off + n), next);
  off += n;
}
next();
`;

/** Writes one burst, then stays alive silently (a stuck device): only a signal ends it. */
const stallBody = (onTerm: string): string => `
const buf = Buffer.alloc(4096 * 4);
for (let i = 0; i < 4096; i++) buf.writeFloatLE(0.25, i * 4);
process.on('SIGTERM', () => { ${onTerm} });
process.stdout.write(buf);
setInterval(() => {}, 1000);
`;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('findRecorder', () => {
  it('prefers parec, falls back to arecord, and returns null when neither is on PATH', () => {
    const both = fakeRecorder('both', 'parec', '');
    fakeRecorder('both', 'arecord', '');
    const onlyArecord = fakeRecorder('only-arecord', 'arecord', '');
    expect(findRecorder({ pathEnv: `/nonexistent:${both}` })).toMatchObject({
      name: 'parec',
      path: join(both, 'parec'),
    });
    const arecord = findRecorder({ pathEnv: onlyArecord, device: 'hw:1' });
    expect(arecord?.name).toBe('arecord');
    expect(arecord?.args).toEqual([
      '-q',
      '-t',
      'raw',
      '-f',
      'FLOAT_LE',
      '-r',
      '16000',
      '-c',
      '1',
      '-D',
      'hw:1',
    ]);
    expect(findRecorder({ pathEnv: join(root, 'empty') })).toBeNull();
    // Not executable: skipped.
    const dir = join(root, 'noexec');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'parec'), '');
    expect(findRecorder({ pathEnv: dir })).toBeNull();
  });
});

describe('recorderSource', () => {
  it('spawns the recorder with 16 kHz mono float32 arguments and parses its stream exactly', async () => {
    const dir = fakeRecorder('ramp', 'parec', rampBody(5000));
    const samples: number[] = [];
    for await (const chunk of recorderSource({ pathEnv: dir })) samples.push(...chunk);
    expect(samples).toHaveLength(5000);
    samples.forEach((v, i) => expect(v).toBe(Math.fround(i * 1e-3)));
    const { args } = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as { args: string[] };
    expect(args).toEqual(['--format=float32le', '--rate=16000', '--channels=1', '--latency-msec=30']);
  });

  it('stops the recorder (SIGTERM) when the consumer stops iterating', async () => {
    const dir = fakeRecorder(
      'stall',
      'arecord',
      stallBody(`require('fs').writeFileSync(__dirname + '/terminated', 'yes'); process.exit(0);`),
    );
    let n = 0;
    for await (const chunk of recorderSource({ pathEnv: dir })) {
      n += chunk.length;
      if (n >= 4096) break;
    }
    expect(existsSync(join(dir, 'terminated'))).toBe(true);
    const { pid } = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as { pid: number };
    expect(isAlive(pid)).toBe(false);
  });

  it('kills a recorder that ignores SIGTERM', async () => {
    const dir = fakeRecorder('deaf', 'parec', stallBody('/* ignored */'));
    const t0 = performance.now();
    for await (const chunk of recorderSource({ pathEnv: dir, stopGraceMs: 300 })) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    const { pid } = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as { pid: number };
    expect(isAlive(pid)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('reports a recorder that fails, with its stderr', async () => {
    const dir = fakeRecorder(
      'broken',
      'parec',
      `process.stderr.write('Connection failure: Connection refused\\n'); process.exit(1);`,
    );
    await expect(async () => {
      let n = 0;
      for await (const chunk of recorderSource({ pathEnv: dir })) n += chunk.length;
      return n;
    }).rejects.toThrow(/parec exited with code 1: Connection failure: Connection refused/);
  });

  it('names both recorders when none is installed', async () => {
    const iterate = async () => {
      let n = 0;
      for await (const chunk of recorderSource({ pathEnv: join(root, 'empty') })) n += chunk.length;
      return n;
    };
    await expect(iterate).rejects.toThrow(RecorderNotFoundError);
    await expect(iterate).rejects.toThrow(/parec .*arecord/);
  });
});
