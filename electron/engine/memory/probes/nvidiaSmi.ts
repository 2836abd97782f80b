// nvidia-smi as a subprocess: only the benchmark uses it, to show what NVML in-process saves (~21 ms a call
// against microseconds, FACTS.md).
import { execFile } from 'node:child_process';

export interface SmiMemory {
  totalMiB: number;
  usedMiB: number;
  freeMiB: number;
}

const QUERY = ['--query-gpu=memory.total,memory.used,memory.free', '--format=csv,noheader,nounits'];

function parseLine(stdout: string): SmiMemory {
  const line = stdout.split('\n').find((l) => l.trim() !== '') ?? '';
  const [totalMiB, usedMiB, freeMiB] = line.split(',').map((f) => Number(f.trim()));
  if (
    totalMiB === undefined ||
    usedMiB === undefined ||
    freeMiB === undefined ||
    ![totalMiB, usedMiB, freeMiB].every(Number.isFinite)
  ) {
    throw new Error(`unexpected nvidia-smi output: ${JSON.stringify(stdout.trim())}`);
  }
  return { totalMiB, usedMiB, freeMiB };
}

/** One reading of the GPU (index or UUID; default the first) through `nvidia-smi`. */
export function readNvidiaSmi(gpu?: string, command = 'nvidia-smi'): Promise<SmiMemory> {
  const args = gpu === undefined ? QUERY : [...QUERY, '-i', gpu];
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 10_000, windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const detail = (stderr || stdout).trim() || err.message;
        reject(new Error(`${command} failed: ${detail}`));
        return;
      }
      try {
        resolve(parseLine(stdout));
      } catch (parseError) {
        reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
      }
    });
  });
}
