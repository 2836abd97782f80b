import { describe, expect, it } from 'vitest';
import { ProcessNames } from '../../../electron/engine/memory/probes/gpuProbe';

describe('ProcessNames', () => {
  it('reads a name once while the pid stays, and afresh once it left (a reused pid)', () => {
    const reads: number[] = [];
    let comm = 'python3';
    const names = new ProcessNames((pid) => (reads.push(pid), comm));
    expect([names.name(7), names.name(7)]).toEqual(['python3', 'python3']);
    expect(reads).toEqual([7]);
    comm = 'blender';
    names.keepOnly([7]);
    expect(names.name(7)).toBe('python3');
    names.keepOnly([]);
    expect(names.name(7)).toBe('blender');
    expect(reads).toEqual([7, 7]);
  });

  it('says `pid N` when the name cannot be read', () => {
    expect(new ProcessNames(() => null).name(42)).toBe('pid 42');
    expect(new ProcessNames(() => '').name(42)).toBe('pid 42');
  });
});
