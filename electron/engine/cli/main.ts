import { ProbeError } from '../memory/probes/gpuProbe';
import { COMMAND_SPECS, commandHelp, parseCommandLine, type ParsedArgs } from './commandLine';
import { dictateCommand } from './commands/dictate';
import { doctorCommand } from './commands/doctor';
import { modelsCommand } from './commands/models';
import { monitorCommand } from './commands/monitor';
import { simulateCommand } from './commands/simulate';
import { statusCommand } from './commands/status';
import { stressCommand } from './commands/stress';
import { transcribeCommand } from './commands/transcribe';
import { CommandFailed, UsageError } from './usageError';
import { matchCudaToNvmlOrder } from '../runtime/cudaDeviceOrder';

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

swictation <command> --help prints that command's options.
State lives in $SWICTATION_HOME (default: the app's user data folder).`;

export type { ParsedArgs } from './commandLine';

const RUN: Record<string, (args: ParsedArgs) => Promise<number>> = {
  status: statusCommand,
  monitor: monitorCommand,
  doctor: doctorCommand,
  simulate: simulateCommand,
  stress: stressCommand,
  transcribe: transcribeCommand,
  dictate: dictateCommand,
  models: modelsCommand,
};

export async function main(argv: string[]): Promise<number> {
  matchCudaToNvmlOrder(); // the CLI runs the engine's code in-process: the same GPU numbering
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === 'help') return help(rest);
  const spec = COMMAND_SPECS[name];
  const run = RUN[name];
  if (!spec || !run) throw new UsageError(`unknown command "${name}" (try: ${Object.keys(RUN).join(', ')})`);
  const parsed = parseCommandLine(name, spec, rest);
  if (parsed === 'help') {
    process.stdout.write(`${commandHelp(name)}\n`);
    return 0;
  }
  return run(parsed);
}

/** `swictation help [COMMAND]`. */
function help(rest: string[]): number {
  const [topic, ...extra] = rest;
  if (topic === undefined) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!COMMAND_SPECS[topic] || extra.length > 0) {
    throw new UsageError(`no help for "${rest.join(' ')}" (commands: ${Object.keys(RUN).join(', ')})`);
  }
  process.stdout.write(`${commandHelp(topic)}\n`);
  return 0;
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
