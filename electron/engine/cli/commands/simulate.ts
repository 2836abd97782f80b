import type { EngineStatus } from '../../../../shared/engineEvents';
import { createHostedSessionFactory } from '../../models/sessionHost';
import type { Feeds } from '../../models/session';
import { parseScenario, type ScenarioModel } from '../../simulation/scenario';
import { scenarioFeeds, ScenarioModelError } from '../../simulation/scenarioFeeds';
import { runScenario, type EndEvent, type TimedEvent } from '../../simulation/runScenario';
import { readJsonFile } from '../inputs';
import type { ParsedArgs } from '../main';
import { UsageError } from '../usageError';
import { describeEvent } from '../../../../shared/describeEvent';

export async function simulateCommand({ values, positionals }: ParsedArgs): Promise<number> {
  const file = positionals[0];
  if (file === undefined)
    throw new UsageError('simulate needs a scenario file: swictation simulate SCENARIO.json');
  const scenario = parseScenario(await readJsonFile(file, 'scenario'));
  if (!scenario.ok) throw new UsageError(`${file}: ${scenario.error}`);
  const needsOrt = scenario.scenario.models.some((m) => m.path !== undefined);
  const feeds = await scenarioFeedsOrUsage(scenario.scenario.models, file);
  const out = (e: TimedEvent | EndEvent) => {
    if (e.type === 'sample' && values['samples'] !== true) return;
    process.stdout.write(values['json'] === true ? `${JSON.stringify(e)}\n` : `${describeLine(e)}\n`);
  };
  await runScenario(scenario.scenario, {
    emit: out,
    realtime: values['realtime'] === true,
    realFactory: needsOrt ? createHostedSessionFactory({ gpuEp: null }) : null,
    feedsFor: (id) => feeds.get(id) ?? {},
  });
  return 0;
}

/** Checked before anything loads: a bad model file is the user's input, one line and exit 2. */
async function scenarioFeedsOrUsage(models: ScenarioModel[], file: string): Promise<Map<string, Feeds>> {
  try {
    return await scenarioFeeds(models);
  } catch (error) {
    if (error instanceof ScenarioModelError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

function describeLine(e: TimedEvent | EndEvent): string {
  const t = `${(e.tMs / 1000).toFixed(3).padStart(8)}s`;
  if (e.type === 'end')
    return `${t}  end      ${summarize(e.status)}; requests ${JSON.stringify(e.requests)}`;
  return `${t}  ${describeEvent(e)}`;
}

function summarize(s: EngineStatus): string {
  const models = s.models.map((m) => `${m.id}@${m.device}`).join(' ');
  return `${s.level} ${(s.usage * 100).toFixed(1)}% ${models} errors ${s.gpuErrors.count}/${s.gpuErrors.limit}${s.permanentCpu ? ' PERMANENT-CPU' : ''}`;
}
