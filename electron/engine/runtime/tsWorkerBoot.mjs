// Worker bootstrap for running from TypeScript sources (tests, the CLI through tsx):
// worker threads do not inherit tsx's loader, so load the real entry through tsx's API.
import { workerData } from 'node:worker_threads';

const { tsImport } = await import('tsx/esm/api');
await tsImport(workerData.entryUrl, import.meta.url);
