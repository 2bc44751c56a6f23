/**
 * The `edgeflow` CLI as a module: {@link main} and the command table, for launchers and tests.
 * @module
 */
export { main, rootHelp, commandHelp } from './main.js';
export { COMMANDS } from './commands.js';
export { UsageError, type Command, type CommandArgs, type CommandIO } from './command.js';
export { uiCommand, openUiSource, DEFAULT_VIEWER_DIR } from './ui-command.js';
export { startUiServer, type UiServer, type UiServerOptions } from './ui-server.js';
export { createMlflowRestHandler, type MlflowRestHandlerOptions } from '../node/mlflow-rest-handler.js';
