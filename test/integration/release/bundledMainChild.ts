/**
 * Child of bundledMain.test.ts: runs the bundled Electron main (argv[2]) with `electron` routed to the fake
 * (electronAlias.mjs), waits until the tray shows live GPU usage, opens the popover the way a second launch
 * does, asks the app:// handler for the page and for every file of the renderer folder it was given, and
 * prints what it saw as one JSON line after REPORT_MARK.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fake } from '../supervisor/fakeElectron';
import { REPORT_MARK, type BundledMainReport, type Served } from './bundledMainReport';

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function serve(handler: (r: Request) => Response | Promise<Response>, url: string): Promise<Served> {
  const response = await handler(new Request(url));
  await response.arrayBuffer();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    csp: response.headers.get('content-security-policy'),
  };
}

/** What Node was started with between its own path and the entry: [execPath, ...execArgv, entry, ...args]. */
function execArgvOf(spawnargs: string[], args: string[]): string[] {
  return spawnargs.slice(1, spawnargs.length - 1 - args.length);
}

async function main(): Promise<void> {
  const [bundle, scenario, rendererDir] = process.argv.slice(2);
  if (!bundle || !scenario || !rendererDir)
    throw new Error('usage: bundledMainChild MAIN SCENARIO RENDERER_DIR');
  // The engine must start the way utilityProcess starts it in the package: plain Node, no loaders.
  process.execArgv.length = 0;
  process.argv = [process.argv[0] ?? 'node', bundle, '--scenario', scenario, '--speech', 'off'];
  await import(pathToFileURL(bundle).href);

  const tooltip = await waitFor('live usage in the tray', () => {
    const t = fake.trays[0]?.tooltip;
    return t && /\d+\.\d%/.test(t) ? t : undefined;
  });
  fake.app.emit('second-instance', {}, ['swictation'], '/', { argv: ['swictation', '--open'] });
  // The recording overlay's window exists from the engine's start; the popover is the one --open showed.
  const win = await waitFor('the popover', () =>
    fake.windows.find((w) => w.loaded?.includes('view=popover')),
  );
  const handler = await waitFor('the app:// handler', () => fake.protocolHandlers.get('app'));
  const files = [];
  for (const file of await filesUnder(rendererDir)) {
    files.push({ file, ...(await serve(handler, `app://swictation/${file.split(path.sep).join('/')}`)) });
  }
  const engine = fake.utilities[0];
  const report: BundledMainReport = {
    tooltip,
    engineEntry: engine?.entry ?? '',
    engineExecArgv: engine ? execArgvOf(engine.child.spawnargs, engine.args) : [],
    schemes: fake.privilegedSchemes,
    loaded: win.loaded,
    preload: win.options.webPreferences['preload'],
    page: await serve(handler, win.loaded ?? 'app://swictation/'),
    files,
  };
  process.stdout.write(`${REPORT_MARK}${JSON.stringify(report)}\n`);
  for (const u of fake.utilities) u.child.kill('SIGKILL');
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  for (const u of fake.utilities) u.child.kill('SIGKILL');
  process.exit(1);
});
