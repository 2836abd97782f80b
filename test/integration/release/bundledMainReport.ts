/** What bundledMainChild.ts saw, as it hands it to bundledMain.test.ts (one JSON line after REPORT_MARK). */
export const REPORT_MARK = 'BUNDLED-MAIN-REPORT ';

export interface BundledMainReport {
  tooltip: string;
  engineEntry: string;
  engineExecArgv: string[];
  schemes: { schemes: unknown[]; beforeReady: boolean }[];
  loaded: string | null;
  preload: unknown;
  page: Served;
  files: (Served & { file: string })[];
}

export interface Served {
  status: number;
  type: string | null;
  csp: string | null;
}
