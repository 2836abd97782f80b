import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ProbeError } from '../memory/probes/gpuProbe';
import { dictateCommand } from './commands/dictate';
import { doctorCommand } from './commands/doctor';
import { modelsCommand } from './commands/models';
import { monitorCommand } from './commands/monitor';
import { simulateCommand } from './commands/simulate';
import { statusCommand } from './commands/status';
import { stressCommand } from './commands/stress';
import { transcribeCommand } from './commands/transcribe';
import { CommandFailed, UsageError } from './usageError';

const HELP = `swictation — local dictation with GPU memory protection

Usage: swictation <command> [options]

  status [--json] [--gpu N|UUID]        one GPU reading and the status block
  monitor [--gpu N|UUID] [--interval MS] live view of GPU memory until Ctrl-C
  doctor [--json]                       probes, execution providers, settings, what to fix
  simulate SCENARIO.json [--json] [--samples] [--realtime]
                                        the real memory manager against a simulated GPU
  stress --to FRACTION [--hold 30s] [--gpu N|UUID]
                                        take VRAM on a real GPU until usage reaches FRACTION
  transcribe FILE.wav [--model ID|PATH] [--device cpu|gpu|auto] [--json]
                                        print the transcript of a WAV file
  dictate --input FILE.wav|mic [--type|--clipboard] [--model ID|PATH] [--scenario FILE] [--json]
                                        live dictation under the memory manager
  models list | pull ID [--allow-unverified] | verify [ID]
                                        the model catalog, downloads (resumable, checksummed), checks

State lives in $SWICTATION_HOME (default: the app's user data folder).`;

type Options = NonNullable<ParseArgsConfig['options']>;
export type ParsedArgs = {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
};
type Command = { options: Options; run: (args: ParsedArgs) => Promise<number> };

const gpu = { gpu: { type: 'string' } } as const;
const json = { json: { type: 'boolean' } } as const;
const COMMANDS: Record<string, Command> = {
  status: { options: { ...json, ...gpu }, run: statusCommand },
  monitor: { options: { ...gpu, interval: { type: 'string' } }, run: monitorCommand },
  doctor: { options: { ...json }, run: doctorCommand },
  simulate: {
    options: { ...json, samples: { type: 'boolean' }, realtime: { type: 'boolean' } },
    run: simulateCommand,
  },
  stress: { options: { ...gpu, to: { type: 'string' }, hold: { type: 'string' } }, run: stressCommand },
  transcribe: {
    options: { ...json, model: { type: 'string' }, device: { type: 'string' } },
    run: transcribeCommand,
  },
  dictate: {
    options: {
      ...json,
      input: { type: 'string' },
      model: { type: 'string' },
      type: { type: 'boolean' },
      clipboard: { type: 'boolean' },
      scenario: { type: 'string' },
    },
    run: dictateCommand,
  },
  models: { options: { ...json, 'allow-unverified': { type: 'boolean' } }, run: modelsCommand },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}" (try: ${Object.keys(COMMANDS).join(', ')})`);
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return command.run(parsed);
}

/** Bad input and unknown GPUs exit 2 with one line; anything else is a bug and keeps its stack. */
export function exitCodeFor(error: unknown): { code: number; line: string } {
  if (error instanceof UsageError) return { code: 2, line: error.message };
  if (error instanceof CommandFailed) return { code: 1, line: error.message };
  if (error instanceof ProbeError && error.code === 'unknown-gpu') return { code: 2, line: error.message };
  if (error instanceof ProbeError) return { code: 1, line: error.message };
  return { code: 1, line: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

const isEntry = import.meta.url === new URL(process.argv[1] ?? '', 'file:').href;
if (isEntry || process.env['SWICTATION_CLI_ENTRY'] === '1') {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      const { code, line } = exitCodeFor(error);
      process.stderr.write(`swictation: ${line}\n`);
      process.exitCode = code;
    },
  );
}
