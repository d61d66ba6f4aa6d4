import { randomBytes } from 'node:crypto';
import type { TaskEni } from '../contracts.ts';
import { ipBatch, run } from '../network/commands.ts';
import type { LabNetwork } from '../network/lab-network.ts';

/**
 * EC2's side of an awsvpc task: ECS creates an ENI in the task's subnet and attaches it to the instance,
 * where it shows up as one more device; the agent's CNI plugin then moves it into the task's namespace.
 * Here the ENI is a veth whose far end sits on the lab bridge (the instance's subnet) with an address of
 * its own from the subnet, and whose near end appears in the instance's namespace. IMDS answers that
 * address as the instance, as EC2 answers any ENI attached to an instance.
 */
export interface TaskEniAttacher {
  attach(): Promise<TaskEni>;
  detach(id: string): Promise<void>;
  /** Every ENI still attached (the instance powers off). */
  detachAll(): Promise<void>;
}

interface Attached {
  slot: { address: string; linkIndex: number };
  rootLink: string;
}

export function taskEniAttacher(lab: LabNetwork, instance: { netns: string; privateIp: string }): TaskEniAttacher {
  const attached = new Map<string, Attached>();
  const detach = async (id: string) => {
    const eni = attached.get(id);
    if (!eni) return;
    attached.delete(id);
    await lab.imds.removeAddress(eni.slot.address);
    // Usually gone already: the near end died with the task's namespace, and a veth dies as a pair.
    await run('ip', ['link', 'delete', eni.rootLink], { allowFailure: true });
    lab.releaseInstanceSlot(eni.slot);
  };
  return {
    async attach() {
      const slot = lab.allocateInstanceSlot();
      const rootLink = lab.names.instanceLink(slot.linkIndex);
      const id = `eni-${randomBytes(8).toString('hex')}`;
      const device = `eni${randomBytes(4).toString('hex')}`;
      try {
        await ipBatch([
          `link add ${rootLink} type veth peer name ${device} netns ${instance.netns}`,
          `link set ${rootLink} master ${lab.names.bridge} up`,
        ]);
        attached.set(id, { slot, rootLink });
        await lab.imds.addAddress(instance.privateIp, slot.address);
      } catch (error) {
        if (attached.has(id)) await detach(id);
        else lab.releaseInstanceSlot(slot);
        throw error;
      }
      return {
        id,
        device,
        address: slot.address,
        prefixLength: lab.subnet.prefixLength,
        vpcRouter: lab.subnet.vpcRouter,
      };
    },
    detach,
    async detachAll() {
      for (const id of [...attached.keys()]) await detach(id);
    },
  };
}
