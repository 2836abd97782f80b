#!/usr/bin/env node
// The installed `swictation` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
process.env.SWICTATION_CLI_ENTRY = '1';
await import('./main.ts');
