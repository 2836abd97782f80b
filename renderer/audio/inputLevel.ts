/**
 * The meter's scale lives in shared/inputLevel.ts, since the engine meters the audio it dictates from too
 * (the `input` event). Kept as the renderer's name for it: docs/ARCHITECTURE.md points here.
 */
export { inputLevel } from '../../shared/inputLevel';
