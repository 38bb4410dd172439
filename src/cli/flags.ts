/**
 * Commander's accumulator for a repeatable option: one value per occurrence (`--vex a --vex b`), so an option never
 * swallows the argument after it. In a module of its own because every command uses it and `db status` must not
 * load the image options to get it.
 */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
