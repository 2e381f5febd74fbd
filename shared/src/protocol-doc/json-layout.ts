// Payload schemas as JSON Schema, laid out as prettier lays out JSON in Markdown.
import { z } from 'zod';

/**
 * A schema as JSON Schema (draft 2020-12), for what it accepts (`io: 'input'`: a push or an ack
 * may carry more keys than it names, as a plain z.object() lets them through). Anything that has
 * no JSON Schema (a transform, a date object) throws rather than printing `{}`.
 */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input' });
  return rest;
}

const WIDTH = 100;

function flatJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flatJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${flatJson(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Prettier breaks an array of several objects (or arrays) of more than one entry each. */
function mustBreak(value: unknown): boolean {
  if (Array.isArray(value)) {
    const concise =
      value.length > 1 &&
      (value.every((v) => isObject(v) && Object.keys(v).length > 1) ||
        value.every((v) => Array.isArray(v) && v.length > 1));
    return concise || value.some(mustBreak);
  }
  return isObject(value) && Object.values(value).some(mustBreak);
}

/**
 * JSON laid out as prettier lays it out (printWidth 100): a value on one line where it fits,
 * else one entry a line. `column` is where the value starts, `tail` what follows it (a comma).
 */
function prettyJson(value: unknown, indent = 0, column = 0, tail = 0): string {
  const flat = flatJson(value);
  if (column + flat.length + tail <= WIDTH && !mustBreak(value)) return flat;
  const inner = ' '.repeat(indent + 2);
  if (Array.isArray(value)) {
    const items = value.map(
      (v, i) => inner + prettyJson(v, indent + 2, indent + 2, i < value.length - 1 ? 1 : 0),
    );
    return `[\n${items.join(',\n')}\n${' '.repeat(indent)}]`;
  }
  if (isObject(value)) {
    const entries = Object.entries(value);
    const lines = entries.map(([k, v], i) => {
      const key = `${JSON.stringify(k)}: `;
      const last = i === entries.length - 1;
      return inner + key + prettyJson(v, indent + 2, indent + 2 + key.length, last ? 0 : 1);
    });
    return `{\n${lines.join(',\n')}\n${' '.repeat(indent)}}`;
  }
  return flat;
}

/** A schema as a fenced JSON Schema block of Markdown. */
export function jsonBlock(schema: z.ZodType): string {
  return ['```json', prettyJson(jsonSchema(schema)), '```'].join('\n');
}
