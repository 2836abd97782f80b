// The engine entry for development runs of the Electron app (no bundled out/engine/main.mjs):
// the utility process is plain Node, so tsx's loader can run the engine's TypeScript sources,
// exactly as the `swictation` CLI does. Worker threads get tsx through tsWorkerBoot.mjs.
import { register } from 'tsx/esm/api';

register();
await import('../engine/main.ts');
