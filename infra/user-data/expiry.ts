import { writeFileLines } from './script-text.ts';

export const EXPIRE_SCRIPT = '/var/lib/ecs-taskrole/expire';
const EXPIRE_UNIT = '/etc/systemd/system/ecs-taskrole-expire.service';

/** The script that shuts the instance down at `expiresAt` (or at once past it). */
export function expiryScript(expiresAt: Date): string {
  const epoch = Math.floor(expiresAt.getTime() / 1000);
  return [
    '#!/bin/sh',
    `# ecs-taskrole: this instance's run expires at ${expiresAt.toISOString()}`,
    `left=$(( (${epoch} - $(date +%s) + 59) / 60 ))`,
    '[ "$left" -gt 0 ] || left=now',
    '[ "$left" = now ] || left="+$left"',
    'if [ -d /run/systemd/system ]; then shutdown -h "$left"; else nohup shutdown -h "$left" >/dev/null 2>&1 & fi',
    '',
  ].join('\n');
}

const EXPIRE_UNIT_TEXT = [
  '[Unit]',
  "Description=Shut down at the ecs-taskrole run's expiry",
  '[Service]',
  'Type=oneshot',
  `ExecStart=${EXPIRE_SCRIPT}`,
  '[Install]',
  'WantedBy=multi-user.target',
  '',
].join('\n');

/**
 * Shuts the instance down at the run's expiry (it was launched with shutdown behaviour `terminate`, so that
 * ends it), at this boot and after every reboot (a `shutdown +N` does not survive one): a systemd unit on
 * AL2 and AL2023 (`systemctl enable` reloads systemd itself), rc.local on AL1 (upstart). systemd's
 * `shutdown +N` schedules and returns; sysvinit's waits, so it goes to the background there.
 */
export function expiryLines(expiresAt: Date): string[] {
  return [
    `mkdir -p ${EXPIRE_SCRIPT.slice(0, EXPIRE_SCRIPT.lastIndexOf('/'))}`,
    ...writeFileLines(EXPIRE_SCRIPT, expiryScript(expiresAt), { what: 'the shutdown at the run expiry' }),
    `chmod 755 ${EXPIRE_SCRIPT}`,
    'if [ -d /run/systemd/system ]; then',
    // Not indented: a heredoc's end marker must start its line.
    ...writeFileLines(EXPIRE_UNIT, EXPIRE_UNIT_TEXT, { what: 'runs it at every boot' }),
    '  systemctl enable ecs-taskrole-expire.service',
    'else',
    `  echo ${EXPIRE_SCRIPT} >> /etc/rc.d/rc.local`,
    'fi',
    EXPIRE_SCRIPT,
  ];
}
