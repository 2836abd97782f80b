/**
 * Consents main recorded for windows: "the user confirmed installing model X unverified". One use each,
 * and only for a short while, so a consent given for one click cannot be spent later by a page.
 */
export const CONSENT_VALID_MS = 2 * 60 * 1000;

export class ConsentBook {
  private readonly grants = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  grant(id: string): number {
    this.grants.set(id, this.now() + CONSENT_VALID_MS);
    return CONSENT_VALID_MS;
  }

  /** True (and the consent is used up) when one is there and has not expired. */
  take(id: string): boolean {
    const until = this.grants.get(id);
    this.grants.delete(id);
    return until !== undefined && until >= this.now();
  }
}
