/** A namespace's place on the lab bridge: the veth's end in the root namespace and eth0's address. */
export interface BridgePort {
  netns: string;
  /** The veth's end in the root namespace, made a port of the bridge. */
  rootLink: string;
  bridge: string;
  address: string;
  prefixLength: number;
}

/**
 * `ip -batch` lines that plug a namespace into the lab bridge: a veth whose root end is a port of the
 * bridge and whose other end is the namespace's eth0, addressed and up. The namespace must exist.
 */
export function bridgePortCommands(port: BridgePort): string[] {
  const { netns } = port;
  return [
    `link add ${port.rootLink} type veth peer name eth0 netns ${netns}`,
    `link set ${port.rootLink} master ${port.bridge} up`,
    `-n ${netns} addr add ${port.address}/${port.prefixLength} dev eth0`,
    `-n ${netns} link set eth0 up`,
  ];
}
