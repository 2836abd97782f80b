import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateSettings, DEFAULT_SETTINGS } from '../../../shared/settings';
import { handleAppRequest } from '../../../electron/main/appProtocol';
import { APP_COMMANDS, parseCommandLine } from '../../../electron/main/commandLine';
import { handleEnginePortRequest, type PortRequestEvent } from '../../../electron/main/enginePortRequest';
import { PortBroker, type BrokerWindow } from '../../../electron/main/portBroker';
import { secondInstanceRequest } from '../../../electron/main/secondInstance';
import { SettingsStore } from '../../../electron/main/settingsStore';
import type { Prng } from './prng';

/** Counts from one main-process fuzz target; `problems` lists every broken promise (empty when all held). */
export interface TargetReport {
  inputs: number;
  outcomes: Record<string, number>;
  thrown: number;
  problems: string[];
}

const tally = (r: TargetReport, key: string) => (r.outcomes[key] = (r.outcomes[key] ?? 0) + 1);
const newReport = (inputs: number): TargetReport => ({ inputs, outcomes: {}, thrown: 0, problems: [] });

class FakePort {
  closed = false;
  close(): void {
    this.closed = true;
  }
}

const OWN = 'app://swictation/index.html';

/** Frame URLs and whether each is our page (written out by hand, not computed by the code under test). */
function frameUrl(rng: Prng): { url: unknown; ours: boolean } {
  return rng.pick<() => { url: unknown; ours: boolean }>([
    () => ({ url: OWN, ours: true }),
    () => ({ url: `${OWN}?view=settings`, ours: true }),
    () => ({ url: `${OWN}#${rng.int(0, 1e9).toString(36)}`, ours: true }),
    () => ({ url: 'app://swictation/./index.html', ours: true }),
    () => ({ url: 'app://swictation/assets/../index.html?view=popover', ours: true }),
    () => ({ url: 'app://swictation/other.html', ours: false }),
    () => ({ url: 'app://swictation/', ours: false }),
    () => ({ url: 'app://evil.example/index.html', ours: false }),
    () => ({ url: 'app://swictation:1/index.html', ours: false }),
    () => ({ url: 'app://x@swictation/index.html', ours: false }),
    () => ({ url: 'app://swictation%2Findex.html', ours: false }),
    () => ({ url: 'file:///opt/swictation/out/renderer/index.html', ours: false }),
    () => ({ url: 'https://swictation/index.html', ours: false }),
    () => ({ url: `javascript:${rng.string(10)}`, ours: false }),
    () => ({ url: rng.string(60), ours: false }),
    () => ({ url: '', ours: false }),
    () => ({
      url: rng.pick<unknown>([42, null, undefined, {}, ['app://swictation/index.html'], true]),
      ours: false,
    }),
  ])();
}

interface Frame {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * REQUEST_ENGINE_PORT: random senders, frames (gone, disposed, iframes, foreign pages) and window states, into
 * the real handler and the real PortBroker. Our windows' main frames showing our page get a port; nothing else.
 */
export function fuzzPortRequests(rng: Prng, inputs: number): TargetReport {
  const report = newReport(inputs);
  let engineLive = true;
  const broker = new PortBroker<FakePort>({
    createChannel: () => ({ port1: new FakePort(), port2: new FakePort() }),
    sendToEngine: () => engineLive,
    detachFromEngine: () => undefined,
  });
  const contents = [{ webContents: 1 }, { webContents: 2 }];
  const destroyed = [false, false];
  let delivered = 0;
  const windows: BrokerWindow<FakePort>[] = contents.map((_, i) => ({
    id: i + 1,
    isDestroyed: () => destroyed[i] === true,
    sendPort: () => {
      delivered++;
    },
  }));
  for (let n = 0; n < inputs; n++) {
    if (rng.chance(0.05)) engineLive = !engineLive;
    const w = rng.int(0, 1);
    destroyed[w] = rng.chance(0.1);
    const sender = rng.pick<unknown>([
      contents[0],
      contents[1],
      { webContents: 1 },
      null,
      undefined,
      7,
      'webContents',
    ]);
    const ourWindow = contents.indexOf(sender as { webContents: number });
    const { url, ours } = frameUrl(rng);
    const parent = rng.pick<unknown>([null, null, null, {}, undefined]);
    const frameKind = rng.pick(['frame', 'frame', 'frame', 'null', 'undefined', 'disposed']);
    const frame: Frame | null | undefined =
      frameKind === 'null' ? null : frameKind === 'undefined' ? undefined : ({ url, parent } as Frame);
    if (frameKind === 'disposed') {
      // Electron throws from a WebFrameMain whose frame is gone.
      Object.defineProperty(frame, 'url', {
        get: () => {
          throw new Error('Render frame was disposed before WebFrameMain could be accessed');
        },
      });
    }
    const event: PortRequestEvent<unknown> = { sender, senderFrame: frame };
    const trusted = ourWindow >= 0 && frameKind === 'frame' && parent === null && ours;
    const logs: string[] = [];
    const before = delivered;
    let outcome;
    try {
      outcome = handleEnginePortRequest(event, {
        windowFor: (s) => {
          const i = contents.indexOf(s as { webContents: number });
          return i >= 0 ? (windows[i] as BrokerWindow<FakePort>) : null;
        },
        request: (window) => broker.request(window),
        log: (m) => logs.push(m),
      });
    } catch (error) {
      report.thrown++;
      report.problems.push(`input ${n}: threw ${String(error)}`);
      continue;
    }
    const key = outcome.ok
      ? outcome.result
      : outcome.reason.startsWith('engine port refused')
        ? 'refused'
        : /disposed/.test(outcome.reason)
          ? 'failed (frame gone)'
          : `failed (${outcome.reason})`;
    tally(report, key);
    const want = trusted
      ? destroyed[ourWindow]
        ? 'window-gone'
        : engineLive
          ? 'sent'
          : 'waiting-for-engine'
      : frameKind === 'disposed'
        ? 'failed (frame gone)'
        : 'refused';
    if (key !== want) report.problems.push(`input ${n}: ${key}, expected ${want} (url ${String(url)})`);
    if (delivered - before !== (key === 'sent' ? 1 : 0))
      report.problems.push(`input ${n}: a port went out on ${key}`);
    if (logs.length !== (outcome.ok ? 0 : 1))
      report.problems.push(`input ${n}: ${logs.length} log lines on ${key}`);
  }
  return report;
}

const ARG_TOKENS = [
  '--toggle',
  '--restore-gpu',
  '--open',
  '--settings',
  '--toggle=1',
  '-toggle',
  'toggle',
  '--scenario',
  '--scenario=/tmp/x.json',
  '--probe',
  'nvml',
  '--speech',
  'off',
  '--',
  '--no-sandbox',
  '/usr/bin/swictation',
];

function randomArgv(rng: Prng): string[] {
  return Array.from({ length: rng.int(0, 8) }, () =>
    rng.chance(0.8) ? rng.pick(ARG_TOKENS) : rng.string(12),
  );
}

/** The command a launch asks for, by the rule: the first argument that is exactly --<command>, else open. */
function commandOf(argv: readonly string[]): string {
  const first = argv.find((a) => APP_COMMANDS.some((c) => a === `--${c}`));
  return first ? first.slice(2) : 'open';
}

/** 'second-instance': random argv arrays and handoff data (what another process hands over) into the handler. */
export function fuzzSecondInstance(rng: Prng, inputs: number): TargetReport {
  const report = newReport(inputs);
  for (let n = 0; n < inputs; n++) {
    const argv = randomArgv(rng);
    const sentArgv = randomArgv(rng);
    const variant = rng.int(0, 9);
    const data = [
      () => ({ argv: sentArgv }),
      () => ({ argv: sentArgv }),
      () => ({ argv: sentArgv, extra: rng.string(5) }),
      () => undefined,
      () => rng.pick<unknown>([null, 5, 'argv', true, [], sentArgv]),
      () => ({ argv: [...sentArgv, rng.pick<unknown>([1, null, {}, ['--toggle']])] }),
      () => ({ argv: rng.pick<unknown>(['--toggle', 7, null, { 0: '--toggle', length: 1 }]) }),
      () => JSON.parse(`{"__proto__": {"argv": ["--toggle"]}}`) as unknown,
      () => ({}),
      () => ({ argv: sentArgv.map((a) => a.repeat(rng.int(1, 2000))) }),
    ][variant]?.();
    const wellFormed = [0, 1, 2, 9].includes(variant);
    const logs: string[] = [];
    const electronArgv: unknown = rng.chance(0.05) ? rng.pick<unknown>([null, [1, '--open'], 'x']) : argv;
    let command;
    try {
      command = secondInstanceRequest(electronArgv, data, (m) => logs.push(m));
    } catch (error) {
      report.thrown++;
      report.problems.push(`input ${n}: threw ${String(error)}`);
      continue;
    }
    tally(report, wellFormed ? `handoff used: ${command}` : `handoff rejected (logged): ${command}`);
    const fallback = Array.isArray(electronArgv)
      ? electronArgv.filter((a): a is string => typeof a === 'string')
      : [];
    const want = commandOf(wellFormed ? (data as { argv: string[] }).argv : fallback);
    if (command !== want) report.problems.push(`input ${n}: ${command}, expected ${want}`);
    if (logs.length !== (wellFormed ? 0 : 1)) report.problems.push(`input ${n}: ${logs.length} log lines`);
    const parsed = parseCommandLine(argv);
    const names = parsed.engineArgs.filter((_, i) => i % 2 === 0);
    if (
      parsed.engineArgs.length % 2 ||
      names.some((a) => !['--scenario', '--probe', '--speech'].includes(a))
    ) {
      report.problems.push(`input ${n}: engine args ${JSON.stringify(parsed.engineArgs)}`);
    }
  }
  return report;
}

/** A settings object with one field broken (or, now and then, a valid change). */
function settingsInput(rng: Prng): unknown {
  const base = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, Record<string, unknown>>;
  const section = rng.pick(['memory', 'speech']);
  const target = base[section] as Record<string, unknown>;
  const field = rng.pick([...Object.keys(target), 'unknownField', '__proto__', 'constructor']);
  const value = rng.pick<() => unknown>([
    () => rng.awkwardNumber(),
    () => rng.int(0, 5000),
    () => rng.string(30),
    () => rng.chance(0.5),
    () => null,
    () => ({ nested: { deeper: rng.string(5) } }),
    () => ({ warning: rng.next(), critical: rng.next(), emergency: rng.next(), restore: rng.next() }),
    () => [1, 2, 3],
  ])();
  if (field === '__proto__') Object.defineProperty(target, '__proto__', { value, enumerable: true });
  else target[field] = value;
  return rng.chance(0.05) ? rng.pick<unknown>([null, 'settings', 42, [], {}]) : base;
}

/** The settings store on a real file: random updates and random file contents never throw or lose settings. */
export async function fuzzSettingsStore(rng: Prng, inputs: number, dir: string): Promise<TargetReport> {
  const report = newReport(inputs);
  const file = join(dir, 'settings.json');
  const store = new SettingsStore(file);
  await store.load();
  for (let n = 0; n < inputs; n++) {
    try {
      if (rng.chance(0.15)) await corruptAndReload(rng, store, file, report, n);
      else await update(rng, store, file, report, n);
    } catch (error) {
      report.thrown++;
      report.problems.push(`input ${n}: threw ${String(error)}`);
    }
  }
  return report;
}

async function update(rng: Prng, store: SettingsStore, file: string, report: TargetReport, n: number) {
  const input = settingsInput(rng);
  const before = store.current;
  const onDisk = await readFile(file, 'utf8').catch(() => null);
  const result = await store.update(input);
  const valid = validateSettings(input).ok;
  tally(report, result.ok ? 'update accepted' : 'update rejected');
  if (result.ok !== valid) report.problems.push(`input ${n}: update ${result.ok ? 'accepted' : 'rejected'}`);
  if (!result.ok) {
    if (!result.errors.length || result.errors.some((e) => !e))
      report.problems.push(`input ${n}: no error text`);
    if (store.current !== before) report.problems.push(`input ${n}: a rejected update changed the settings`);
    if ((await readFile(file, 'utf8').catch(() => null)) !== onDisk) {
      report.problems.push(`input ${n}: a rejected update changed the file`);
    }
  } else if (JSON.stringify(JSON.parse(await readFile(file, 'utf8'))) !== JSON.stringify(store.current)) {
    // Compared as JSON: the file holds JSON, where -0 is 0.
    report.problems.push(`input ${n}: the file does not hold the accepted settings`);
  }
}

async function corruptAndReload(
  rng: Prng,
  store: SettingsStore,
  file: string,
  report: TargetReport,
  n: number,
) {
  const before = store.current;
  const text = rng.pick<() => string>([
    () => rng.string(200),
    () => JSON.stringify(settingsInput(rng)),
    () => JSON.stringify(before).slice(0, rng.int(0, 100)),
    () => '{"__proto__": {"polluted": true}, "memory": {"constructor": {"prototype": {"x": 1}}}}',
  ])();
  await writeFile(file, text);
  const reloaded = await store.reload();
  const usable = (() => {
    try {
      return validateSettings(JSON.parse(text)).ok;
    } catch {
      return false;
    }
  })();
  tally(report, usable ? 'reload adopted the file' : 'reload kept the settings (warned)');
  if (!usable && (reloaded !== before || store.warning === null)) {
    report.problems.push(`input ${n}: an unusable file changed the settings or gave no warning`);
  }
  if (({} as Record<string, unknown>).polluted !== undefined)
    report.problems.push('Object.prototype polluted');
  // Back to a good file for the next update.
  await store.update(store.current);
}

/** Path pieces that have broken static file servers, plus names that do exist inside and outside the folder. */
const PATH_TOKENS = [
  '..',
  '.',
  '%2e%2e',
  '%2E.',
  '.%2e',
  '%2f',
  '%2F',
  '%5c',
  '\\',
  '%00',
  '%',
  '%zz',
  '%252e%252e',
  '%c0%ae%c0%ae',
  '~',
  '',
  'assets',
  'index.html',
  'app.js',
  'sub',
  'out.js',
  'out-dir',
  'secret.txt',
  'renderer-x',
  'x.js',
];

/** Where the app:// fuzz runs: the served folder, a secret beside it, a look-alike sibling, symlinks out. */
async function protocolFixture(dir: string): Promise<string> {
  const renderer = join(dir, 'renderer');
  await mkdir(join(renderer, 'assets', 'sub'), { recursive: true });
  await mkdir(join(dir, 'renderer-x'));
  await writeFile(join(renderer, 'index.html'), 'inside: index');
  await writeFile(join(renderer, 'assets', 'app.js'), 'inside: app');
  await writeFile(join(dir, 'secret.txt'), 'SECRET: beside the folder');
  await writeFile(join(dir, 'renderer-x', 'x.js'), 'SECRET: in a sibling folder');
  await symlink(join(dir, 'secret.txt'), join(renderer, 'assets', 'out.js'));
  await symlink(join(dir, 'renderer-x'), join(renderer, 'assets', 'out-dir'));
  return renderer;
}

function randomAppUrl(rng: Prng): { url: string; ourHost: boolean } {
  const segments = Array.from({ length: rng.int(0, 6) }, () =>
    rng.chance(0.9) ? rng.pick(PATH_TOKENS) : rng.string(8),
  );
  const host = rng.chance(0.9) ? 'swictation' : rng.pick(['evil', 'swictation:1', 'swictation.evil.example']);
  const tail = rng.chance(0.2) ? `?${rng.pick(['view=settings', '../secret.txt', rng.string(6)])}` : '';
  return { url: `app://${host}/${segments.join('/')}${tail}`, ourHost: host === 'swictation' };
}

/**
 * The app:// handler: random paths (traversal tokens, encodings, symlinks out, random strings), hosts and
 * methods as real Requests against a real folder. It never throws, answers a foreign host 403 and any method
 * but GET/HEAD 405, and serves only files inside the folder.
 */
export async function fuzzAppProtocol(rng: Prng, inputs: number, dir: string): Promise<TargetReport> {
  const report = newReport(inputs);
  const renderer = await protocolFixture(dir);
  for (let n = 0; n < inputs; n++) {
    const { url, ourHost } = randomAppUrl(rng);
    const method = rng.chance(0.9) ? rng.pick(['GET', 'HEAD']) : rng.pick(['POST', 'PUT', 'DELETE']);
    let request: Request;
    try {
      request = new Request(url, { method });
    } catch {
      // Not a URL at all: Chromium would never hand it to the handler.
      tally(report, 'not a URL (never reaches the handler)');
      continue;
    }
    try {
      const response = await handleAppRequest(request, renderer);
      const body = await response.text();
      tally(report, String(response.status));
      const allowed = method === 'GET' || method === 'HEAD';
      const wanted = !allowed ? [405] : ourHost ? [200, 403, 404] : [403];
      if (!wanted.includes(response.status))
        report.problems.push(
          `input ${n}: ${method} ${url} → ${response.status}, expected ${wanted.join(' or ')}`,
        );
      if (
        body.includes('SECRET') ||
        (response.status === 200 && method === 'GET' && !body.startsWith('inside:'))
      )
        report.problems.push(`input ${n}: ${method} ${url} → ${response.status} served ${body.slice(0, 40)}`);
    } catch (error) {
      report.thrown++;
      report.problems.push(`input ${n}: ${url} threw ${String(error)}`);
    }
  }
  return report;
}
