// The preload's API on window (see engine/bridge.ts); undefined in the browser harness.
interface Window {
  readonly swictation?: import('./engine/bridge').SwictationBridge;
}

// Vite's `?worker&url` import: the module is bundled as its own file and this is its URL. Declared here
// because the renderer compiles with `types: []` (no vite/client globals leak into the app).
declare module '*?worker&url' {
  const url: string;
  export default url;
}
