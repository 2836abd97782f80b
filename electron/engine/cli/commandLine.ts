/**
 * The command line's grammar: each command's options, how many arguments it takes, and its usage text.
 * Parse problems become one short UsageError naming the option or argument (never Node's raw parser text).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usageError';

type Options = NonNullable<ParseArgsConfig['options']>;

export type ParsedArgs = {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
};

export interface CommandSpec {
  /** The synopsis after `swictation <name> `. */
  synopsis: string;
  /** What it does, then one line per option. */
  help: string[];
  options: Options;
  /** Most positional arguments it takes. */
  maxArgs: number;
}

const gpu = { gpu: { type: 'string' } } as const;
const json = { json: { type: 'boolean' } } as const;
const GPU_HELP = '  --gpu N|UUID      which GPU (default: the settings, else the first)';
const JSON_HELP = '  --json            machine-readable output';

export const COMMAND_SPECS: Record<string, CommandSpec> = {
  status: {
    synopsis: '[--json] [--gpu N|UUID]',
    help: ['One GPU reading and the status block the engine logs.', JSON_HELP, GPU_HELP],
    options: { ...json, ...gpu },
    maxArgs: 0,
  },
  monitor: {
    synopsis: '[--gpu N|UUID] [--interval MS]',
    help: [
      'Live view of GPU memory until Ctrl-C; without a GPU, what runs where (the CPU).',
      GPU_HELP,
      '  --interval MS     time between readings (default: the sampling interval setting)',
    ],
    options: { ...gpu, interval: { type: 'string' } },
    maxArgs: 0,
  },
  doctor: {
    synopsis: '[--json]',
    help: ['Probes, execution providers, settings and models: why the GPU is or is not used.', JSON_HELP],
    options: { ...json },
    maxArgs: 0,
  },
  simulate: {
    synopsis: 'SCENARIO.json [--json] [--samples] [--realtime]',
    help: [
      'The real memory manager against a simulated GPU, in virtual time (at most 7 simulated days).',
      JSON_HELP,
      '  --samples         print every reading too',
      '  --realtime        pace simulated time to the wall clock',
    ],
    options: { ...json, samples: { type: 'boolean' }, realtime: { type: 'boolean' } },
    maxArgs: 1,
  },
  stress: {
    synopsis: '--to FRACTION [--hold 30s] [--gpu N|UUID]',
    help: [
      'Take VRAM on a real GPU until its usage reaches FRACTION, hold it, then give it back.',
      '  --to FRACTION     target usage, e.g. 0.92',
      '  --hold DURATION   how long to hold it (e.g. 30s, 2m; at most 24h)',
      GPU_HELP,
    ],
    options: { ...gpu, to: { type: 'string' }, hold: { type: 'string' } },
    maxArgs: 0,
  },
  transcribe: {
    synopsis: 'FILE.wav [--model ID|PATH] [--device cpu|gpu|auto] [--json]',
    help: [
      'Print the transcript of a WAV file (VAD segmentation, features, model, decoder).',
      '  --model ID|PATH   an installed model, a model folder, or tiny-ctc (default: the first installed)',
      '  --device D        cpu (default), gpu, or auto',
      JSON_HELP,
    ],
    options: { ...json, model: { type: 'string' }, device: { type: 'string' } },
    maxArgs: 1,
  },
  dictate: {
    synopsis: '--input FILE.wav|mic [--type|--clipboard] [--model ID|PATH] [--scenario FILE] [--json]',
    help: [
      'Live dictation under the memory manager; a WAV file plays at real-time pace, like a microphone.',
      '  --input FILE|mic  a WAV file, or the microphone (parec or arecord)',
      '  --type            type each transcript into the focused window',
      '  --clipboard       put each transcript on the clipboard',
      '  --model ID|PATH   an installed model, a model folder, or tiny-ctc (default: the first installed)',
      '  --scenario FILE   run against a simulated GPU under the scenario’s pressure',
      JSON_HELP,
    ],
    options: {
      ...json,
      input: { type: 'string' },
      model: { type: 'string' },
      type: { type: 'boolean' },
      clipboard: { type: 'boolean' },
      scenario: { type: 'string' },
    },
    maxArgs: 0,
  },
  models: {
    synopsis: 'list | pull ID [--allow-unverified] | verify [ID] [--json]',
    help: [
      'The model catalog, downloads (resumable, checksummed) and checks of installed models.',
      '  list              every catalog model and whether it is installed or bundled',
      '  pull ID           download and install a model',
      '  verify [ID]       re-check installed files against their checksums, and the bundled model',
      '  --allow-unverified  install a model the catalog has no checksums for',
      JSON_HELP,
    ],
    options: { ...json, 'allow-unverified': { type: 'boolean' } },
    maxArgs: 2,
  },
};

export function usageLine(name: string): string {
  return `swictation ${name} ${COMMAND_SPECS[name]?.synopsis ?? ''}`.trimEnd();
}

/** `swictation <name> --help`. */
export function commandHelp(name: string): string {
  const spec = COMMAND_SPECS[name];
  if (!spec) return '';
  return [`Usage: ${usageLine(name)}`, '', ...spec.help].join('\n');
}

/** Options, `--help`, then the argument count; every problem is one line naming what was wrong. */
export function parseCommandLine(name: string, spec: CommandSpec, args: string[]): ParsedArgs | 'help' {
  const options: Options = { ...spec.options, help: { type: 'boolean', short: 'h' } };
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${describeParseError(error, spec)} (see: swictation ${name} --help)`);
  }
  if (parsed.values['help'] === true) return 'help';
  const extra = parsed.positionals.slice(spec.maxArgs);
  if (extra.length > 0) {
    const what = extra.length === 1 ? 'argument' : 'arguments';
    throw new UsageError(
      `unexpected ${what} ${extra.map((a) => `"${a}"`).join(' ')} (usage: ${usageLine(name)})`,
    );
  }
  return parsed;
}

/** Node's parser says "Unknown option '--x'. To specify a positional …": keep only the option and the fault. */
function describeParseError(error: unknown, spec: CommandSpec): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const token = /'([^']*)'/.exec(message)?.[1]?.replace(/ <value>$/, '') ?? '';
  const known = Object.keys(spec.options).map((o) => `--${o}`);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `unknown option ${token}${known.length ? ` (options: ${known.join(', ')})` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /argument missing/.test(message)
      ? `option ${token} needs a value`
      : `option ${token} takes no value`;
  }
  return message.split('\n')[0] ?? 'invalid command line';
}
