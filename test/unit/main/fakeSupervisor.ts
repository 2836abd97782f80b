import type { SupervisorView } from '../../../electron/main/appController';
import type { SupervisorSnapshot } from '../../../electron/main/engineSupervisor';
import { EngineClient } from '../../../shared/engineClient';
import type { EngineEvent } from '../../../shared/engineEvents';
import { FakeEngine } from './fakes';

/** A supervisor stand-in the tests drive by hand: go live with a fake engine, crash, fail. */
export class FakeSupervisor implements SupervisorView {
  private snap: SupervisorSnapshot = {
    state: 'starting',
    pid: null,
    restarts: 0,
    lastExit: null,
    message: null,
    nextStartAtMs: null,
    settingsError: null,
  };
  private stateListeners = new Set<(s: SupervisorSnapshot) => void>();
  private eventListeners = new Set<(e: EngineEvent) => void>();
  private liveListeners = new Set<(c: EngineClient) => void>();
  engine: FakeEngine | null = null;
  client: EngineClient | null = null;
  restarts = 0;

  snapshot(): SupervisorSnapshot {
    return this.snap;
  }

  onState(l: (s: SupervisorSnapshot) => void): () => void {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }

  onEvent(l: (e: EngineEvent) => void): () => void {
    this.eventListeners.add(l);
    return () => this.eventListeners.delete(l);
  }

  onLive(l: (c: EngineClient) => void): () => void {
    this.liveListeners.add(l);
    return () => this.liveListeners.delete(l);
  }

  restart(): void {
    this.restarts++;
  }

  goLive(engine = new FakeEngine({ announce: false })): FakeEngine {
    this.engine = engine;
    const client = new EngineClient(engine.port);
    client.onEvent((e) => {
      for (const l of this.eventListeners) l(e);
    });
    this.client = client;
    this.set({ state: 'live', message: null });
    for (const l of this.liveListeners) l(client);
    return engine;
  }

  set(patch: Partial<SupervisorSnapshot>): void {
    if (patch.state && patch.state !== 'live') {
      this.client?.close();
      this.client = null;
    }
    this.snap = { ...this.snap, ...patch };
    for (const l of this.stateListeners) l(this.snap);
  }
}
