/**
 * The `edgeflow` CLI: `edgeflow <command> [options]`, arguments parsed with `node:util`
 * `parseArgs`, `--help` on every command. `bin/edgeflow.js` calls {@link main}.
 * @module
 */
import { parseArgs } from 'node:util';
import { isEdgeflowError } from '../core/errors.js';
import { UsageError, type Command, type CommandIO } from './command.js';
import { COMMANDS } from './commands.js';

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** `edgeflow --help`. */
export function rootHelp(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: edgeflow <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `edgeflow <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

/** `edgeflow <command> --help`. */
export function commandHelp(command: Command): string {
  return [`Usage: ${command.usage}`, '', command.summary, '', 'Options:', command.help.replace(/\n*$/u, ''), '  -h, --help  Show this help', ''].join('\n');
}

function defaultIO(): CommandIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interrupted: new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
  };
}

/**
 * Runs the CLI with `argv` (without `node` and the script); resolves to the exit code: 0 done,
 * 1 failed, 2 bad arguments.
 */
export async function main(argv: readonly string[], io: CommandIO = defaultIO(), commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(rootHelp(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout('edgeflow\n');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`edgeflow: unknown command '${name}'.\n\n${rootHelp(commands)}`);
    return 2;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options: { ...command.options, ...HELP_OPTION }, allowPositionals: command.allowPositionals ?? true, strict: true });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    if (parsed.values.help === true) {
      io.stdout(commandHelp(command));
      return 0;
    }
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`edgeflow ${command.name}: ${error.message}\nRun \`edgeflow ${command.name} --help\` for usage.\n`);
      return 2;
    }
    const message = isEdgeflowError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    io.stderr(`edgeflow ${command.name}: ${message}\n`);
    return 1;
  }
}
