import type { Feeds } from '../models/session';
import { feedsForModelFile, ModelFileError, ModelInputError } from './modelInputs';
import type { ScenarioModel } from './scenario';

/** Why a scenario's model file cannot be fed; the message is one line naming the model. */
export class ScenarioModelError extends Error {
  override name = 'ScenarioModelError';
}

/**
 * Feeds for every scenario model that gives a `path`, built from the file's declared inputs (and the
 * model's `inputShape`), so that traffic to it runs the real model. Throws before any load when a file
 * is missing, a directory, not ONNX, or its inputs cannot be built.
 */
export async function scenarioFeeds(models: readonly ScenarioModel[]): Promise<Map<string, Feeds>> {
  const feeds = new Map<string, Feeds>();
  for (const [i, model] of models.entries()) {
    if (model.path === undefined) continue;
    try {
      feeds.set(model.id, await feedsForModelFile(model.path, model.inputShape));
    } catch (error) {
      if (!(error instanceof ModelFileError || error instanceof ModelInputError)) throw error;
      throw new ScenarioModelError(`models.${i} (${model.id}): ${error.message}`);
    }
  }
  return feeds;
}
