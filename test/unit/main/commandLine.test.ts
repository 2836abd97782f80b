import { describe, expect, it } from 'vitest';
import { handoffData, parseCommandLine, secondInstanceCommand } from '../../../electron/main/commandLine';

describe('parseCommandLine', () => {
  it('finds the command among Electron’s own arguments', () => {
    expect(parseCommandLine(['/opt/Swictation/swictation', '--toggle']).command).toBe('toggle');
    expect(
      parseCommandLine([
        '/usr/lib/electron/electron',
        '/app',
        '--no-sandbox',
        '--restore-gpu',
        '--enable-features=X',
      ]).command,
    ).toBe('restore-gpu');
    expect(parseCommandLine(['/opt/Swictation/swictation']).command).toBeNull();
    expect(parseCommandLine(['x', '--settings', '--toggle']).command).toBe('settings'); // the first wins
  });

  it('does not mistake a flag with a value for a command', () => {
    expect(parseCommandLine(['x', '--toggle=1']).command).toBeNull();
  });

  it('passes the engine options through, in both spellings', () => {
    expect(parseCommandLine(['x', '--scenario', '/tmp/s.json', '--probe=none', '--open']).engineArgs).toEqual(
      ['--scenario', '/tmp/s.json', '--probe', 'none'],
    );
    expect(parseCommandLine(['x', '--scenario', '--open']).engineArgs).toEqual([]); // missing value
  });

  it('forwards --catalog to the engine, as the README documents for the app', () => {
    expect(parseCommandLine(['x', '--catalog', '/srv/mirror.json', '--open']).engineArgs).toEqual([
      '--catalog',
      '/srv/mirror.json',
    ]);
    expect(parseCommandLine(['x', '--catalog=/srv/mirror.json']).engineArgs).toEqual([
      '--catalog',
      '/srv/mirror.json',
    ]);
  });
});

describe('secondInstanceCommand', () => {
  it('prefers the argv the second instance sent over the one Electron rewrote', () => {
    expect(
      secondInstanceCommand(handoffData(['swictation', '--toggle']), ['swictation', '--allow-file-access']),
    ).toBe('toggle');
  });

  it('falls back to argv when the data is missing or malformed', () => {
    expect(secondInstanceCommand(undefined, ['swictation', '--restore-gpu'])).toBe('restore-gpu');
    expect(secondInstanceCommand({ argv: [1, 2] }, ['swictation', '--settings'])).toBe('settings');
  });

  it('a plain second launch opens the app', () => {
    expect(secondInstanceCommand(handoffData(['swictation']), ['swictation'])).toBe('open');
  });
});
