import { createContext, useContext } from 'react';
import type { DictationController } from './audio/dictationController';
import type { EngineApi } from './engine/engineApi';

/** What components may do besides reading the store: call the engine and drive dictation. */
export interface AppServices {
  api: EngineApi;
  dictation: DictationController;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside <ServicesContext.Provider>');
  return services;
}
