import type { CellResult } from '../../core/results/results-schema.ts';

export interface AmiPassRate {
  ami: string;
  cells: number;
  pass: number;
  fail: number;
  infra: number;
  /** As expected / cells with a verdict (INFRA_ERROR and TIMEOUT say nothing); undefined without any. */
  rate?: number;
}

/** Per AMI profile, in the order the cells first name them. */
export function passRatesByAmi(cells: readonly CellResult[]): AmiPassRate[] {
  const byAmi = new Map<string, AmiPassRate>();
  for (const cell of cells) {
    const ami = cell.dimensions.ami;
    const entry = byAmi.get(ami) ?? { ami, cells: 0, pass: 0, fail: 0, infra: 0 };
    entry.cells += 1;
    entry[cell.verdict] += 1;
    byAmi.set(ami, entry);
  }
  return [...byAmi.values()].map((entry) => {
    const judged = entry.pass + entry.fail;
    return judged > 0 ? { ...entry, rate: entry.pass / judged } : entry;
  });
}

/** "96%" (never rounds a failure up to 100%), or "no verdict". */
export function formatRate(rate: number | undefined): string {
  if (rate === undefined) return 'no verdict';
  const percent = Math.floor(rate * 100);
  return `${percent}%`;
}
