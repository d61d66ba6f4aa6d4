/**
 * The tag keys the harness writes on what it creates, on AWS as in the lab. The harness owns them; the lab
 * reads them (its data plane boots only instances carrying the run tag, in launch order) and never defines
 * them, so the harness needs nothing of the simulator.
 */

/** The run a resource belongs to; `sweep` trusts nothing without it. */
export const RUN_TAG_KEY = 'ecs-taskrole:run';
/** When a run's resource may be swept even if its teardown never came. */
export const EXPIRES_TAG_KEY = 'ecs-taskrole:expires';
/**
 * An instance's place in its run's launch order (0 first), which is the order its cells start: the lab
 * boots a few instances at a time, in this order. RunInstances calls sent side by side do not arrive in it.
 */
export const LAUNCH_ORDER_TAG_KEY = 'ecs-taskrole:launch-order';
