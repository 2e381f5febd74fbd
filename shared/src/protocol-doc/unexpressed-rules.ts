// The rules of a zod schema that its JSON Schema cannot express, found by walking its defs.
import { z } from 'zod';
import { isObject } from './json-layout.ts';

/** What zod keeps of a schema or a check (`_zod.def`), as far as the rules below read it. */
interface ZodDef {
  check?: string;
  checks?: { _zod: { def: ZodDef } }[];
  error?: (issue: unknown) => unknown;
  path?: (string | number)[];
}

function refinementMessage(error: ((issue: unknown) => unknown) | undefined): string {
  const result = error?.({ code: 'custom', input: undefined, path: [] });
  if (typeof result === 'string') return result;
  if (isObject(result) && typeof result.message === 'string') return result.message;
  return 'a custom rule';
}

function fieldPath(path: string[]): string {
  return path.length === 0 ? 'the payload' : `\`${path.join('.').replace(/\.\[\]/g, '[]')}\``;
}

/**
 * The rules of a schema that its JSON Schema cannot carry: refinements (`.refine`, by their
 * message) and normalisation (`.trim()`, `.toUpperCase()`: the checks then apply to the
 * normalised value, so the server accepts a little more than the JSON Schema says).
 */
export function unexpressedRules(schema: z.ZodType, path: string[] = []): string[] {
  const rules: string[] = [];
  const def = (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  if (checks.some((c) => c.check === 'overwrite')) {
    rules.push(`${fieldPath(path)} is normalised (e.g. trimmed, upper-cased), then checked`);
  }
  const refinements = [...(schema instanceof z.ZodCustom ? [def] : []), ...checks];
  for (const refinement of refinements.filter((c) => c.check === 'custom')) {
    const at = [...path, ...(refinement.path?.map(String) ?? [])];
    rules.push(
      `${fieldPath(at)}: a further rule, whose message is "${refinementMessage(refinement.error)}"`,
    );
  }
  const inner: [z.ZodType, string[]][] = [];
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = schema.shape;
    for (const [key, value] of Object.entries(shape)) {
      inner.push([value, [...path, key]]);
    }
  } else if (schema instanceof z.ZodArray) {
    inner.push([schema.element as z.ZodType, [...path, '[]']]);
  } else if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault
  ) {
    inner.push([schema.unwrap() as z.ZodType, path]);
  } else if (schema instanceof z.ZodUnion) {
    for (const option of schema.options as z.ZodType[]) inner.push([option, path]);
  } else if (schema instanceof z.ZodPipe) {
    inner.push([schema.in as z.ZodType, path]);
  } else if (schema instanceof z.ZodRecord) {
    inner.push([schema.valueType as z.ZodType, [...path, '*']]);
  }
  for (const [child, at] of inner) rules.push(...unexpressedRules(child, at));
  return [...new Set(rules)];
}
