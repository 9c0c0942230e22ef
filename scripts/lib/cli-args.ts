/** A CLI mistake: printed without a stack trace, exit code 2. */
export class UsageError extends Error {}

/** Parses `--name value` and `--flag` arguments; repeated options keep every value. */
export function parseArgs(
  argv: string[],
  spec: { flags?: string[]; options?: string[] },
): { values: Map<string, string[]>; flags: Set<string> } {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new UsageError(`Unexpected argument "${arg}".`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (spec.flags?.includes(name)) {
      flags.add(name);
    } else if (spec.options?.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value.`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else {
      throw new UsageError(`Unknown option --${name}.`);
    }
  }
  return { values, flags };
}

export function single(values: Map<string, string[]>, name: string): string | undefined {
  return values.get(name)?.at(-1);
}

/** An optional integer option: `fallback` when absent, a usage error when not an integer ≥ min. */
export function integerOption<T extends number | null | undefined>(
  values: Map<string, string[]>,
  name: string,
  options: { min: number; fallback: T },
): number | T {
  const value = single(values, name);
  if (value === undefined) return options.fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < options.min)
    throw new UsageError(`--${name} must be an integer ≥ ${options.min} (got "${value}").`);
  return parsed;
}

export function required(values: Map<string, string[]>, name: string): string {
  const value = single(values, name);
  if (value === undefined) throw new UsageError(`--${name} is required.`);
  return value;
}
