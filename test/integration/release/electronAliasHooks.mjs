// Module hooks for bundledMainChild.ts: the bundle's `import … from 'electron'` gets the test's stand-in
// (test/integration/supervisor/fakeElectron.ts, loaded through tsx); every other specifier resolves as usual.
let fakeUrl = '';

export function initialize(data) {
  fakeUrl = data.fakeUrl;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: fakeUrl, shortCircuit: true };
  return next(specifier, context);
}
