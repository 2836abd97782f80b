import { config } from 'zod';

/**
 * zod compiles fast object parsers with `new Function` and, to find out whether it may, probes once; our
 * CSP (no 'unsafe-eval') blocks the probe and Chromium reports a securitypolicyviolation each time. Turn
 * the compiler off. It is read when each schema is built, so main.tsx imports this module first, before
 * anything that defines a schema (shared/).
 */
config({ jitless: true });
