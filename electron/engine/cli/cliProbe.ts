import { pinnedGpu } from '../../../shared/settings';
import { openProbe, type OpenedProbe } from '../memory/probes/openProbe';
import { UsageError } from './usageError';

/**
 * The probe for a CLI command. A GPU named on the command line that does not exist is bad input
 * (exit 2), even on a machine with no GPU at all, rather than a silent "no GPU" reading.
 */
export function openCliProbe(flag: unknown, fromSettings: string): OpenedProbe {
  const named = typeof flag === 'string' ? flag : undefined;
  const opened = openProbe('auto', { gpu: named ?? fromSettings });
  if (named !== undefined && pinnedGpu(named) !== null && opened.probe.kind === 'none') {
    const why = opened.attempts.filter((a) => !a.ok).map((a) => `${a.kind}: ${a.error ?? 'failed'}`);
    throw new UsageError(`unknown GPU "${named}": no GPU found (${why.join('; ')})`);
  }
  return opened;
}
