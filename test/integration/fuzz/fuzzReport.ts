import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { machineInfo, describeMachine } from '../../../bench/machine';
import { table } from '../../../bench/report';
import type { EngineFuzzReport } from './engineFuzz';
import type { TargetReport } from './mainFuzz';

export interface FuzzResults {
  engine: EngineFuzzReport[];
  main: Record<string, TargetReport>;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/**
 * Every test run writes out/fuzz/; the committed figures in bench/results/ are refreshed on purpose, with
 * FUZZ_RESULTS=bench (`FUZZ_RESULTS=bench npx vitest run --config build/vitest.config.ts test/integration/fuzz`),
 * so `npm test` leaves the tree clean.
 */
const RESULTS = `${ROOT}${process.env['FUZZ_RESULTS'] === 'bench' ? 'bench/results' : 'out/fuzz'}/`;

const counts = (r: Record<string, number>) =>
  Object.entries(r)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** fuzz.json (every count) and fuzz.md (the tables), written by the fuzz test after each run (see RESULTS). */
export async function writeFuzzResults(results: FuzzResults): Promise<string> {
  const machine = machineInfo();
  const engineRows = results.engine.map((r) => [
    `seed ${r.seed}, speech ${r.speech ? 'on' : 'off'}`,
    String(r.generated),
    String(r.generated - r.refusedBySender),
    String(r.answeredOk),
    String(Object.values(r.answeredError).reduce((s, v) => s + v, 0)),
    `${r.protocolErrors} / ${r.expectedProtocolErrors}`,
    r.pidUnchanged && r.settingsAsExpected ? 'yes' : '**no**',
    String(r.problems.length),
    `${(r.wallMs / 1000).toFixed(1)} s`,
  ]);
  const mainRows = Object.entries(results.main).map(([name, r]) => [
    name,
    String(r.inputs),
    counts(r.outcomes),
    String(r.thrown),
    String(r.problems.length),
  ]);
  const markdown = [
    '# IPC fuzzing',
    '',
    `_Machine: ${describeMachine(machine)}._ Written by test/integration/fuzz/ipcFuzz.test.ts (part of \`npm test\`).`,
    '',
    '## The engine contract (the real engine process over child_process IPC, structured clone)',
    '',
    table(
      [
        'run',
        'generated',
        'delivered',
        'answered ok',
        'answered error',
        'protocol-error events / unanswerable',
        'alive, settings intact',
        'problems',
        'wall',
      ],
      engineRows,
    ),
    '',
    ...results.engine.flatMap((r) => [
      `Seed ${r.seed} (speech ${r.speech ? 'on' : 'off'}): errors by code ${counts(r.answeredError)};` +
        ` valid requests answered ok by method ${counts(r.okByMethod)}; valid settings.set ${r.validSettingsSets};` +
        ` refused by the sending side's serializer (BigInt, null: child_process rejects them) ${r.refusedBySender}.`,
      `Messages by kind: ${counts(r.byCategory)}.`,
      '',
    ]),
    '## Main-process handlers (the real handler modules, fake Electron event objects)',
    '',
    table(['handler', 'inputs', 'outcomes', 'thrown', 'problems'], mainRows),
    '',
  ].join('\n');
  await mkdir(RESULTS, { recursive: true });
  await writeFile(`${RESULTS}fuzz.json`, `${JSON.stringify({ machine, ...results }, null, 2)}\n`);
  await writeFile(`${RESULTS}fuzz.md`, markdown);
  return markdown;
}
