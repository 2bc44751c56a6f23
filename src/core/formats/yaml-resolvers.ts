/**
 * PyYAML's implicit resolvers for YAML 1.1 (`resolver.py`), shared by the emitter and the reader:
 * the reader gives a plain scalar the type the first matching pattern names, and the emitter
 * quotes a string that would read back as anything but a string.
 * @module
 */

export const YAML_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/u;
export const YAML_FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/u;
export const YAML_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/u;
const YAML_MERGE = /^(?:<<)$/u;
export const YAML_NULL = /^(?:~|null|Null|NULL|)$/u;
export const YAML_TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/u;
const YAML_VALUE = /^(?:=)$/u;

const IMPLICIT_RESOLVERS: readonly RegExp[] = [YAML_BOOL, YAML_FLOAT, YAML_INT, YAML_MERGE, YAML_NULL, YAML_TIMESTAMP, YAML_VALUE];

/**
 * True when PyYAML would read the plain scalar `text` back as something other than a string.
 * Like Python's `re.match(...$)`, a single trailing newline is tolerated by `$`.
 */
export function resolvesToNonString(text: string): boolean {
  const candidate = text.endsWith('\n') ? text.slice(0, -1) : text;
  return IMPLICIT_RESOLVERS.some((re) => re.test(text) || (candidate !== text && re.test(candidate)));
}
