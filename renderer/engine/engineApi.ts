import type { Method, ParamsOf, ResultOf } from '../../shared/contract';

/**
 * What components and controllers may ask of the engine: calls, failing fast while not live. No status refresh:
 * the engine pushes its status after every change, a command's included.
 */
export interface EngineApi {
  call<M extends Method>(method: M, params?: ParamsOf<M>): Promise<ResultOf<M>>;
}
