import { parseArgs } from 'node:util';
import { Engine } from './engine';
import type { ProbeChoice } from './memory/probes/openProbe';
import { processLink } from './rpc/processPort';
import { sendEvent, serveEngine } from './rpc/engineServer';
import { WindowPorts } from './rpc/windowPorts';
import { EngineLog } from './runtime/engineLog';
import { matchCudaToNvmlOrder } from './runtime/cudaDeviceOrder';
import { readTextFileSafely } from './runtime/safeFile';
import { userDataDir, userDataPaths } from './runtime/userDataDir';
import { parseScenario, type Scenario } from './simulation/scenario';
import { readCatalogFile } from './models/catalogFile';

/**
 * The engine process entry (Electron's utilityProcess.fork, or child_process.fork in tests and
 * the browser harness). Options: --scenario FILE (simulated GPU), --probe auto|nvml|sysfs|none, --speech on|off,
 * --catalog FILE (more models to offer: a mirror's catalog, see models/catalogFile.ts).
 */
async function startEngineProcess(): Promise<void> {
  matchCudaToNvmlOrder();
  const link = processLink();
  if (!link) {
    throw new Error('the engine must be started by a parent process (utilityProcess or child_process)');
  }
  const { port } = link;
  // Every window gets its own port from main; events go to all of them. Created once the engine exists.
  let windows: WindowPorts | null = null;
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      probe: { type: 'string', default: 'auto' },
      speech: { type: 'string', default: 'on' },
      catalog: { type: 'string' },
    },
    strict: true,
  });
  const dataDir = userDataDir();
  const log = new EngineLog(userDataPaths(dataDir).logs);
  // The engine lives as long as its parent. Listening for 'disconnect' from the start keeps the IPC channel, and
  // so this process, alive while the engine starts, not only once requests are served.
  let started: Engine | null = null;
  const stop = () => {
    const stopping = started ? started.stop() : Promise.resolve();
    void stopping.finally(() => void log.close().finally(() => process.exit(0)));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  const engine = await Engine.start({
    dataDir,
    probe: values.probe as ProbeChoice,
    scenario: values.scenario ? await loadScenario(values.scenario) : undefined,
    speech: values.speech !== 'off',
    extraCatalog: values.catalog ? await readCatalogFile(values.catalog) : [],
    emit: (event) => {
      log.write(event);
      sendEvent(port, event);
      windows?.broadcast(event);
    },
  });
  started = engine;
  serveEngine(port, engine, { client: 'trusted' });
  const ports = new WindowPorts(engine);
  windows = ports;
  link.onAttach((attached) => ports.attach(attached));
  link.onDetach((client) => ports.detach(client));
  port.post({ v: 1, kind: 'event', event: { type: 'report', text: engine.report() } });
}

async function loadScenario(file: string): Promise<Scenario> {
  // A FIFO or a device given as --scenario must fail the start at once, not hold it forever.
  const text = await readTextFileSafely(file, { maxBytes: 16 * 1024 * 1024, followSymlinks: true });
  const parsed = parseScenario(JSON.parse(text));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.error}`);
  return parsed.scenario;
}

startEngineProcess().catch((error: unknown) => {
  process.stderr.write(`swictation engine: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
