/**
 * The shape of an `edgeflow` sub-command: its options for `node:util` `parseArgs`, its help text,
 * and what it does. Commands are listed in `commands.ts`.
 * @module
 */
import type { ParseArgsConfig } from 'node:util';

/** Where a command writes. */
export interface CommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Resolves when the user interrupts (Ctrl-C); long-running commands wait on it. */
  readonly interrupted: Promise<void>;
}

/** Parsed arguments of a command. */
export interface CommandArgs {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/** One sub-command of the CLI. */
export interface Command {
  readonly name: string;
  /** One line for `edgeflow --help`. */
  readonly summary: string;
  /** Usage line(s), e.g. `edgeflow ui <bundle.zip | mlruns dir> [options]`. */
  readonly usage: string;
  /** Option lines of `--help` (`--port N   Port to listen on (default 5000)`). */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Whether positionals are accepted (default true). */
  readonly allowPositionals?: boolean;
  /** Runs the command; returns the process exit code. Throw {@link UsageError} for bad arguments. */
  run(args: CommandArgs, io: CommandIO): Promise<number>;
}

/** Bad command-line arguments: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
