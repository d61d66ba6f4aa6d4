import { Option } from 'commander';
import { backendSchema } from '../../core/run-config.ts';

/** `--backend` in every command: its choices are the backend schema's, the lab by default. */
export function backendOption(description: string): Option {
  return new Option('--backend <backend>', description).choices(backendSchema.options).default('lab');
}
