// `npm run dev:web -- [--scenario FILE] [--port N] [--speech on|off] [--probe auto|nvml|sysfs|none] [--home DIR]
// [--rebuild] [--verbose]`
// The renderer in any browser against the real engine: builds out/renderer when it is missing (or with
// --rebuild), starts the harness and prints the URL to open. The engine's data folder is --home, else
// $SWICTATION_HOME, else a temporary folder removed on quit. Type `r` + Enter to restart the engine (the
// page shows it reconnecting), `q` + Enter or Ctrl+C to quit.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { buildRenderer, rendererStaleReason } from './rendererBuild';
import { engineLinePrinter, serveUntilStopped } from './serveSession';
import { startHarness, type ProbeName } from './server';

const PROBES: readonly ProbeName[] = ['auto', 'nvml', 'sysfs', 'none'];

function fail(message: string): never {
  process.stderr.write(`dev:web: ${message}\n`);
  process.exit(2);
}

function parseCli() {
  try {
    return parseArgs({
      options: {
        scenario: { type: 'string' },
        port: { type: 'string', default: '0' },
        speech: { type: 'string', default: 'on' },
        probe: { type: 'string', default: 'auto' },
        home: { type: 'string' },
        rebuild: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

async function main(): Promise<void> {
  const values = parseCli();
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    fail(`--port ${values.port} is not a port number`);
  if (values.speech !== 'on' && values.speech !== 'off') fail('--speech must be on or off');
  const probe = PROBES.find((p) => p === values.probe);
  if (!probe) fail(`--probe must be one of ${PROBES.join(', ')}`);

  // Only a missing build is rebuilt automatically: a person may be serving a build made on purpose.
  const stale = await rendererStaleReason();
  if (values.rebuild || (stale !== null && stale.endsWith('is missing'))) {
    process.stdout.write(`building the renderer (${values.rebuild ? '--rebuild' : stale})…\n`);
    await buildRenderer();
  } else if (stale !== null) {
    process.stdout.write(`note: ${stale}; run with --rebuild to rebuild out/renderer\n`);
  }

  // --home, else $SWICTATION_HOME, else a fresh temporary folder: a scenario run never touches the app's own
  // data folder unless asked to (`npm start` serves that one).
  const home = values.home ?? process.env['SWICTATION_HOME'];
  const harness = await startHarness({
    ...(values.scenario ? { scenario: values.scenario } : { probe }),
    speech: values.speech === 'on',
    port,
    ...(home ? { home } : {}),
    onOutput: engineLinePrinter(values.verbose),
  });
  process.stdout.write(
    `Swictation (browser harness): ${harness.url}\n` +
      `settings: ${harness.pageUrl('settings')}\n` +
      `engine home: ${harness.home}\n` +
      `r + Enter restarts the engine; q + Enter or Ctrl+C quits\n`,
  );

  const quit = serveUntilStopped(harness, 'type r + Enter to restart it');
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const command = line.trim();
    if (command === 'q') void quit();
    else if (command === 'r') {
      process.stdout.write('restarting the engine…\n');
      harness.restartEngine().then(
        () => process.stdout.write('engine live again\n'),
        (error: unknown) =>
          process.stdout.write(`restart failed: ${error instanceof Error ? error.message : String(error)}\n`),
      );
    }
  });
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
