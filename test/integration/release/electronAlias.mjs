// `node --import tsx --import ./electronAlias.mjs …`: route `electron` to the fake (see electronAliasHooks.mjs).
import { register } from 'node:module';

register('./electronAliasHooks.mjs', import.meta.url, {
  data: { fakeUrl: new URL('../supervisor/fakeElectron.ts', import.meta.url).href },
});
