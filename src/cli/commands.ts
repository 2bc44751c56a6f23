/**
 * The commands of the `edgeflow` CLI, in `--help` order. To add one, write a {@link Command} in its
 * own module (e.g. `run-command.ts`) and list it here.
 * @module
 */
import type { Command } from './command.js';
import { runCommand } from './run-command.js';
import { uiCommand } from './ui-command.js';

/** Every command of the CLI. */
export const COMMANDS: readonly Command[] = [runCommand, uiCommand];
