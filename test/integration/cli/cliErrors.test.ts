import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stderrLines, type CliRun } from './runCli';

const WAV = 'test/fixtures/audio/check-memory-status-48k-stereo.wav';
const COMMANDS = ['status', 'monitor', 'doctor', 'simulate', 'stress', 'transcribe', 'dictate', 'models'];

let tmp = '';
let home = '';
const runs = new Map<string, CliRun>();

/** Usage and input errors: exit 2, nothing on stdout, exactly one line on stderr matching `said`. */
const ERRORS: [string, string[], RegExp][] = [
  ['transcribe --model nope', ['transcribe', WAV, '--model', 'nope'], /^swictation: no model "nope": /],
  ['dictate --model nope', ['dictate', '--input', WAV, '--model', 'nope'], /^swictation: no model "nope": /],
  [
    'dictate --scenario garbage',
    ['dictate', '--input', WAV, '--scenario', '@/garbage.json'],
    /garbage\.json is not valid JSON: /,
  ],
  [
    'dictate --scenario invalid',
    ['dictate', '--input', WAV, '--scenario', '@/invalid.json'],
    /invalid\.json: gpu\.totalMiB: /,
  ],
  // One line and no model placement before it: the file is checked before the model loads.
  [
    'dictate --input missing',
    ['dictate', '--input', '/nonexistent.wav'],
    /^swictation: \/nonexistent\.wav: cannot read: ENOENT: no such file or directory$/,
  ],
  ['dictate --input text', ['dictate', '--input', '@/text.wav'], /text\.wav: not a WAV file/],
  ['dictate --input empty', ['dictate', '--input', '@/empty.wav'], /empty\.wav: not a WAV file/],
  ['transcribe text file', ['transcribe', '@/text.wav'], /text\.wav: not a WAV file/],
  [
    'status extra',
    ['status', 'extra'],
    /^swictation: unexpected argument "extra" \(usage: swictation status /,
  ],
  ['transcribe two files', ['transcribe', WAV, 'b.wav'], /^swictation: unexpected argument "b\.wav" /],
  [
    'status --bogus',
    ['status', '--bogus'],
    /^swictation: unknown option --bogus \(options: --json, --gpu\) \(see: swictation status --help\)$/,
  ],
  ['dictate --model without value', ['dictate', '--model'], /^swictation: option --model needs a value /],
  ['status --json=1', ['status', '--json=1'], /^swictation: option --json takes no value /],
  ['models list extra', ['models', 'list', 'extra'], /models list takes no argument, got "extra"/],
  [
    'models verify unknown',
    ['models', 'verify', 'nope'],
    /model "nope" is not installed in .* \(installed: none\)$/,
  ],
  ['unknown command', ['frobnicate'], /^swictation: unknown command "frobnicate"/],
];

/** Runs a few at a time: each is a whole Node process, and the machine may have 2 cores. */
async function runAll(jobs: [string, string[]][], env: NodeJS.ProcessEnv): Promise<void> {
  const queue = [...jobs];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) runs.set(job[0], await runCli(job[1], { env }));
  };
  await Promise.all([worker(), worker(), worker()]);
}

function run(name: string): CliRun {
  const r = runs.get(name);
  if (!r) throw new Error(`no run ${name}`);
  return r;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'swictation-cli-'));
  home = join(tmp, 'home');
  await mkdir(home);
  await writeFile(join(tmp, 'garbage.json'), '{"gpu": ');
  await writeFile(join(tmp, 'invalid.json'), JSON.stringify({ gpu: { totalMiB: -1 } }));
  await writeFile(join(tmp, 'text.wav'), 'these are words, not audio\n');
  await writeFile(join(tmp, 'empty.wav'), '');
  const at = (args: string[]) => args.map((a) => a.replace(/^@/, tmp));
  await runAll(
    [
      ...ERRORS.map(([name, args]): [string, string[]] => [name, at(args)]),
      ...COMMANDS.map((c): [string, string[]] => [`${c} --help`, [c, '--help']]),
      ['help dictate', ['help', 'dictate']],
      ['models list', ['models', 'list']],
      ['models verify', ['models', 'verify']],
      ['models verify tiny-ctc', ['models', 'verify', 'tiny-ctc']],
      ['status --json', ['status', '--json']],
    ],
    { SWICTATION_HOME: home },
  );
}, 240_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('swictation: every usage or input error is one line on stderr and exit 2', () => {
  it.each(ERRORS.map(([name, , said]) => [name, said] as const))('%s', (name, said) => {
    const r = run(name);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = stderrLines(r);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^swictation: /);
    expect(lines[0]).toMatch(said);
    // Node's own parser text ("To specify a positional argument…") never reaches the user.
    expect(lines[0]).not.toMatch(/positional argument starting with/);
  });
});

describe('swictation <command> --help prints that command’s usage', () => {
  it.each(COMMANDS)('%s --help', (command) => {
    const r = run(`${command} --help`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage: swictation ${command} \\S`));
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(2);
  });

  it('help COMMAND prints the same', () => {
    expect(run('help dictate').stdout).toBe(run('dictate --help').stdout);
    expect(run('dictate --help').stdout).toContain('--scenario FILE');
  });
});

describe('swictation models: list and verify agree about the bundled model', () => {
  it('list: tiny-ctc is bundled with its real size, and says nothing is installed', () => {
    const r = run('models list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}tiny-ctc +bundled +2\.\d MiB /m);
    expect(r.stdout).toContain('No models installed: dictation uses the bundled tiny-ctc');
  });

  it('verify: says nothing is installed and checks the bundled model', () => {
    const r = run('models verify');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `No models installed in ${join(home, 'models')}.\ntiny-ctc: bundled with the app: ok\n`,
    );
  });

  it('verify tiny-ctc: the bundled model, not "not installed"', () => {
    const r = run('models verify tiny-ctc');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('tiny-ctc: bundled with the app: ok\n');
  });
});

describe('swictation monitor without a GPU', () => {
  it('keeps running, says there is no GPU and that speech runs on the CPU, and ends on Ctrl-C with 0', async (ctx) => {
    const status = JSON.parse(run('status --json').stdout) as { sample: unknown };
    if (status.sample !== null) ctx.skip(); // a machine with a GPU shows the GPU view instead
    const r = await runCli(['monitor', '--interval', '200'], {
      env: { SWICTATION_HOME: home },
      stopAfterMs: 4000,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No GPU found');
    expect(r.stdout).toContain('Speech runs on the CPU');
    expect(r.stdout).toContain('Speech model: tiny-ctc (bundled) on the CPU');
    // Refreshed while it runs, not printed once on the way out.
    expect(r.stdout.split('No GPU found').length - 1).toBeGreaterThan(2);
  }, 30_000);
});
