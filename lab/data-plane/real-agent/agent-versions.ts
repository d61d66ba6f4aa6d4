import { DEFAULT_BASELINE, type Dimensions } from '../../../core/matrix/dimensions.ts';

/**
 * The ECS agent releases the lab can build and run, each pinned per source. From GitHub: the commit its tag
 * names upstream (github.com/aws/amazon-ecs-agent), which the tag's tarball must carry (git's pax header).
 * From a local copy (ECS_TASKROLE_AGENT_SOURCES): the SHA-256 of the offline snapshot of that commit the
 * project builds from (`snapshotSha256`); those snapshots are not GitHub's archive (no pax header, some
 * generated blobs absent), so GitHub's archive has no content pin here (docs/real-agent.md). Both tags ask
 * for Go 1.23 in agent/ and ecs-init/ go.mod (1.101.3 and later ask for 1.24+, which Debian bookworm does
 * not package). The matrix's `agentVersion` values are these releases: the type makes a value without a
 * pin (or the reverse) a compile error.
 */
export type AgentVersion = Dimensions['agentVersion'];

export const AGENT_RELEASES: Readonly<Record<AgentVersion, { commit: string; snapshotSha256: string }>> = {
  '1.101.2': {
    commit: 'a686342fd0bf6cf77e692067e6fee73448855c3d',
    snapshotSha256: 'f7b11cc9c0471376b8dfeede940d2fef824777ac6422b0f1e4277ffb0aa561d5',
  },
  '1.95.0': {
    commit: '90742cd68338075989cd24e93ff8e5b9216d788c',
    snapshotSha256: 'e768e35b0020c147ef273ab2f06baee6a563a176b6b564613d6e85a299de8f71',
  },
};

export const AGENT_VERSIONS = Object.keys(AGENT_RELEASES) as AgentVersion[];

/** The default of `agentVersion` (its baseline value): what the harness ran before the dimension existed. */
export const DEFAULT_AGENT_VERSION: AgentVersion = DEFAULT_BASELINE.agentVersion;

export function isAgentVersion(value: unknown): value is AgentVersion {
  return typeof value === 'string' && Object.hasOwn(AGENT_RELEASES, value);
}

/** The pause image the agent's build pins (misc/pause-container/Makefile) and loads from its tarball. */
export const PAUSE_IMAGE = { name: 'amazon/amazon-ecs-pause', tag: '0.1.0' } as const;
