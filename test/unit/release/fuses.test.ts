import { describe, expect, it } from 'vitest';
import { config } from '../../../build/electron-builder';

// The fuses are flipped by electron-builder when it packages (needs the Electron binary: not here). This pins
// the choice, so loosening one is a visible change, and guards the one the engine depends on: it must stay a
// utility process, never a Node child run through ELECTRON_RUN_AS_NODE.
describe('Electron fuses', () => {
  it('the package turns off running as Node, NODE_OPTIONS and --inspect, and loads the app only from app.asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });

  it('file:// gets no extra privileges: the windows load app://, whose handler reads the files itself', () => {
    expect(config.electronFuses?.grantFileProtocolExtraPrivileges).toBe(false);
  });
});
