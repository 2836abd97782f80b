import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A folder of executable stub scripts used as the whole PATH, so tool selection and argument
 * passing are tested against real process spawning without the real tools. Every stub logs its
 * name and arguments (NUL-separated, records separated by RS) to calls.log, so arguments with
 * spaces, quotes or newlines come back exactly as they were passed.
 */
export interface StubDir {
  dir: string;
  log: string;
  /** An executable `name` running `body` (sh) after logging its call. */
  add(name: string, body?: string): Promise<string>;
  /** A file called `name` that is not executable (must be ignored). */
  addPlain(name: string): Promise<void>;
  calls(): Promise<string[][]>;
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  remove(): Promise<void>;
}

export async function createStubDir(): Promise<StubDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-stubs-'));
  const log = path.join(dir, 'calls.log');
  await writeFile(log, '');
  return {
    dir,
    log,
    async add(name, body = 'exit 0') {
      const file = path.join(dir, name);
      const script = [
        '#!/bin/sh',
        `{ printf '%s\\0' "${name}" "$@"; printf '\\036'; } >> "${log}"`,
        body,
        '',
      ].join('\n');
      await writeFile(file, script);
      await chmod(file, 0o755);
      return file;
    },
    async addPlain(name) {
      await writeFile(path.join(dir, name), '#!/bin/sh\nexit 0\n');
      await chmod(path.join(dir, name), 0o644);
    },
    async calls() {
      const content = await readFile(log, 'utf8');
      return content
        .split('\x1e')
        .filter((r) => r !== '')
        .map((record) => record.split('\0').slice(0, -1));
    },
    env(extra = {}) {
      // PATH is the stub folder alone, so no real tool on this machine can be picked up; stub
      // bodies call utilities by absolute path.
      return { PATH: dir, HOME: dir, ...extra };
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fake clipboard in a file: `-in`/`--input` stores stdin, `-out`/`--output` prints it (or fails
 * like xclip on an empty clipboard).
 */
export function fakeClipboardBody(dir: string): string {
  const store = path.join(dir, 'clipboard.txt');
  return [
    `case " $* " in`,
    `  *" -in "*|*" --input "*) /bin/cat > "${store}" ;;`,
    `  *" -out "*|*" --output "*) if [ -f "${store}" ]; then /bin/cat "${store}"; else echo "Error: target STRING not available" >&2; exit 1; fi ;;`,
    `esac`,
  ].join('\n');
}
