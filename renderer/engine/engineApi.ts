import type { Method, ParamsOf, ResultOf } from '../../shared/contract';

/** What components and controllers may ask of the engine: calls (failing fast while not live) and a status refresh. */
export interface EngineApi {
  call<M extends Method>(method: M, params?: ParamsOf<M>): Promise<ResultOf<M>>;
  refreshStatus(): void;
}
