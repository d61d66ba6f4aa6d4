/** Everything the harness saw of one cell: the classifier's only input. */
export interface CellEvidence {
  /** The task's log lines (CloudWatch Logs), in order. */
  logLines: readonly string[];
  exitCode?: number;
  /** RunTask `failures[]`. */
  failures: readonly { arn?: string; reason: string; detail?: string }[];
  stoppedReason?: string;
  /**
   * RunTask's refusal (`<error name>: <message>`): the call itself failed and no task exists, e.g. AWS's
   * ClientException for a task role ECS cannot assume.
   */
  runTaskRefusal?: string;
  /** Events of the ECS service that started the task, when a service did (its messages, newest first). */
  serviceEvents?: readonly string[];
  /** The task role the cell's task definition named (absent when `taskRole=unset`). */
  taskRoleArn?: string;
  instanceRoleArn: string;
  /** The group's container instance never registered with the cluster (set by the run, with the wait). */
  instanceNotRegistered?: string;
  /** The cell hit its hard time limit. */
  timedOut?: boolean;
  /** The harness itself failed (an API error, a crash), with its message. */
  harnessError?: string;
}
