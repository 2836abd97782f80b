/**
 * A seeded generator (mulberry32): the same seed gives the same 10,000 messages on every machine, so a
 * failure found once is found again.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Printable ASCII, control characters, astral and lone surrogates: what a hostile page can put in a string. */
  string(maxLength: number): string {
    const length = this.int(0, maxLength);
    let s = '';
    for (let i = 0; i < length; i++) {
      const kind = this.int(0, 9);
      if (kind < 6) s += String.fromCharCode(this.int(0x20, 0x7e));
      else if (kind === 6) s += String.fromCharCode(this.int(0, 0x1f));
      else if (kind === 7) s += String.fromCodePoint(this.int(0x80, 0x10ffff));
      else if (kind === 8) s += String.fromCharCode(this.int(0xd800, 0xdfff));
      else s += this.pick(['/', '\\', '%2F', '..', '--', '=', '\u0000', ' ']);
    }
    return s;
  }

  /** Numbers that break naive checks. */
  awkwardNumber(): number {
    return this.pick([
      NaN,
      Infinity,
      -Infinity,
      -0,
      -1,
      0.5,
      1e308,
      -1e308,
      2 ** 53,
      Number.MIN_VALUE,
      1e-320,
    ]);
  }
}
