/**
 * What one lab network left on the machine, found by its own prefix only: specs that check "nothing left"
 * must not see the namespaces and links of other labs running beside them (a whole-machine before/after
 * comparison fails whenever another lab starts or ends meanwhile).
 */
import { existsSync } from 'node:fs';
import { labDir } from '../network/lab-record.ts';
import { LAB_PREFIX_PATTERN } from '../network/naming.ts';
import { listNetns, listRootLinks } from '../network/netns.ts';

/** The line a data plane logs before it makes anything (index.ts startDataPlane). */
const NETWORK_LINE = /data plane: lab network (\S+)/g;

/** The lab prefixes a data plane's log names: every lab network it began to make. */
export function labPrefixesInLog(log: string): string[] {
  const prefixes = [...log.matchAll(NETWORK_LINE)].map((match) => match[1] ?? '');
  return [...new Set(prefixes.filter((prefix) => LAB_PREFIX_PATTERN.test(prefix)))];
}

export interface LabLeftovers {
  namespaces: string[];
  links: string[];
  /** The lab's folder under the machine's lab root, when it is still there. */
  folder?: string;
}

/** The namespaces, root links and folder that still carry `prefix`; all empty once its lab is gone. */
export async function labLeftovers(prefix: string): Promise<LabLeftovers> {
  if (!LAB_PREFIX_PATTERN.test(prefix)) throw new Error(`"${prefix}" is not a lab prefix`);
  const ours = (name: string) => name === prefix || name.startsWith(`${prefix}-`);
  const [namespaces, links] = await Promise.all([listNetns(), listRootLinks()]);
  const folder = labDir(prefix);
  return {
    namespaces: namespaces.filter(ours),
    links: links.filter(ours),
    ...(existsSync(folder) ? { folder } : {}),
  };
}
