import { listLabDirs, ownerAlive, readLabRecord } from './lab-record.ts';
import { LAB_PREFIX_PATTERN } from './naming.ts';
import { listNetns, listRootLinks } from './netns.ts';

export interface LabStatus {
  prefix: string;
  /** 198.18.<index>.0/24; undefined when the record is missing. */
  subnetIndex: number | undefined;
  ownerPid: number | undefined;
  /** The owner process still runs (false: a crashed lab that `cleanupLab()` will remove). */
  ownerAlive: boolean;
  namespaces: string[];
  links: string[];
}

/** Every lab on this machine, from the records on disk and the kernel objects named with a lab prefix. */
export async function labStatus(): Promise<LabStatus[]> {
  const [namespaces, links, dirs] = await Promise.all([listNetns(), listRootLinks(), listLabDirs()]);
  const prefixes = new Set(dirs.filter((name) => LAB_PREFIX_PATTERN.test(name)));
  for (const name of [...namespaces, ...links]) {
    if (LAB_PREFIX_PATTERN.test(name.slice(0, 7)) && name.charAt(7) === '-') prefixes.add(name.slice(0, 7));
  }
  const statuses: LabStatus[] = [];
  for (const prefix of [...prefixes].sort()) {
    const record = await readLabRecord(prefix);
    const own = (name: string) => name.startsWith(`${prefix}-`);
    statuses.push({
      prefix,
      subnetIndex: record?.subnetIndex,
      ownerPid: record?.ownerPid,
      ownerAlive: record ? await ownerAlive(record) : false,
      namespaces: namespaces.filter(own),
      links: links.filter(own),
    });
  }
  return statuses;
}
