// Globals every runtime we target provides (Node ≥ 17, browsers, Electron), declared here
// because shared/ compiles without Node's or the DOM's type libraries on purpose.
declare function structuredClone<T>(value: T): T;
declare function queueMicrotask(callback: () => void): void;
