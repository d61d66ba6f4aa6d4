/**
 * A process that opens a lab (moto and the data plane, as a run does) and then only waits: a spec kills it
 * to see the lab end itself (lab-holders.spec.ts). Prints the lab's state as one JSON line once it is up.
 *
 *     node open-lab-and-wait.ts LAB_DIR
 */
import { labUp } from '../../lab-lifecycle.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: open-lab-and-wait.ts LAB_DIR');
const { lab } = await labUp(dir, { dataPlane: true });
process.stdout.write(`${JSON.stringify({ motoPid: lab.motoPid, dataPlane: lab.dataPlane })}\n`);
setInterval(() => undefined, 60_000);
