import type { EngineEvent, EngineStatus } from '../../../shared/engineEvents';
import type { Feeds, SessionFactory } from '../models/session';
import { VirtualClock } from '../runtime/clock';
import type { Scenario } from './scenario';
import { scenarioFeeds } from './scenarioFeeds';
import { SimulatedRig, type RequestCounts } from './simulatedRig';

export type { RequestCounts } from './simulatedRig';
export type TimedEvent = EngineEvent & { tMs: number };
export type EndEvent = { type: 'end'; tMs: number; status: EngineStatus; requests: RequestCounts };

export interface RunOptions {
  emit: (event: TimedEvent | EndEvent) => void;
  /**
   * Pace simulated time to the wall clock (demos, the stalls benchmark): time moves on while models move, instead
   * of waiting for every move to finish as a virtual-time run does (which keeps runs deterministic).
   */
  realtime?: boolean;
  realFactory?: SessionFactory | null;
  /** Inputs per model; by default built from each `path` model's declared inputs when it runs for real. */
  feedsFor?: (modelId: string) => Feeds;
}

/** Run a scenario in virtual time (or paced to wall time) and end with the final status. */
export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<EndEvent> {
  const clock = new VirtualClock(0);
  const rig = new SimulatedRig(scenario, {
    clock,
    emit: (e) => opts.emit({ ...e, tMs: clock.now() }),
    realFactory: opts.realFactory ?? null,
    feedsFor: opts.feedsFor ?? (await defaultFeeds(scenario, opts.realFactory ?? null)),
  });
  rig.scheduleSteps();
  await clock.runUntil(0, () => settle(rig));
  await rig.start();
  rig.startTraffic();
  rig.startReports();

  const wallStart = performance.now();
  await clock.runUntil(scenario.durationMs, async () => {
    if (!opts.realtime) return settle(rig);
    // Paced to the wall clock, time does not wait for a model move to finish: readings keep coming during one,
    // as they do in the engine (and a stalled engine shows as late readings).
    await new Promise((r) => setImmediate(r));
    await sleep(clock.now() - (performance.now() - wallStart));
  });
  await settle(rig);
  const end: EndEvent = {
    type: 'end',
    tMs: clock.now(),
    status: rig.manager.status(),
    requests: rig.requests,
  };
  await rig.stop();
  opts.emit(end);
  return end;
}

/** Without a real factory every session is a stand-in that ignores its inputs. */
async function defaultFeeds(
  scenario: Scenario,
  realFactory: SessionFactory | null,
): Promise<(modelId: string) => Feeds> {
  const feeds = realFactory ? await scenarioFeeds(scenario.models) : new Map<string, Feeds>();
  return (id) => feeds.get(id) ?? {};
}

/**
 * Let what a timer started finish before time moves on: promise chains, the manager's actions and moves, and
 * the requests in the session hosts (other threads), so a virtual-time run is deterministic and loses nothing.
 */
async function settle(rig: SimulatedRig): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    await rig.manager.idle();
    await rig.requestsSettled();
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
