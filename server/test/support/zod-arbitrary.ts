import { MAX_DATE, MIN_DATE, TEXT_PATTERN } from '@berth/shared';
import fc from 'fast-check';
import type { z } from 'zod';

/*
 * fast-check arbitraries from Zod 4 schemas (zod-fast-check speaks Zod 3 only): a small walker
 * over `schema._zod.def` that knows the kinds our contract uses, plus a table of hostile values
 * mixed in at every leaf. Refinements are not inverted: what they refuse must come back as
 * VALIDATION, which is exactly what the fuzz suite checks.
 */

/** Values that have broken servers before: control characters, sizes at type limits, odd JSON. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'Ravi\u0000Kumar',
  '\ud800',
  'x\udfffy',
  '\u001b[31m',
  '\u007f',
  '\u202eevil',
  '💺'.repeat(40),
  'a'.repeat(3000),
  "'; drop table bookings; --",
  '%00',
  '%',
  '%zz',
  '../../etc/passwd',
  '\\',
  '0000-01-01',
  '9999-12-31',
  '1999-12-31',
  '2100-01-01',
  '2024-02-30',
  '+275760-09-13',
  'NaN',
  'null',
  '__proto__',
  'constructor',
  '2147483648',
  '-1',
  '1e309',
];

export const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -1,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  -(2 ** 53),
  1e308,
  -1e308,
  1.5,
  -0,
  5e-324,
];

export const HOSTILE_OTHERS: readonly unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [null],
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  { constructor: { prototype: {} } },
  [[[[[[[[[[[]]]]]]]]]]],
];

/** Characters that text columns refuse or that have no place in text: NUL, surrogate halves... */
const BAD_CHARACTERS = ['\u0000', '\ud800', '\udc00', '\u0001', '\u001b', '\u007f', '\u0085'];

/** Hostile strings: the table, good text with a bad character inside, and raw binary. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 8 }),
        fc.constantFrom(...BAD_CHARACTERS),
        fc.string({ maxLength: 8 }),
      )
      .map(([a, bad, b]) => `${a}${bad}${b}`),
    weight: 2,
  },
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Numbers at the limits of columns and of JSON: int4 and 2^53 edges, signs, fractions. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_NUMBERS), weight: 3 },
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Anything hostile, of any JSON type. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 3 },
  { arbitrary: hostileNumber, weight: 2 },
  fc.constantFrom(...HOSTILE_OTHERS),
);

/** A hostile value that is mostly of the same JSON type as `like`: it gets past type checks. */
function hostileLike(kind: 'string' | 'number' | 'other'): fc.Arbitrary<unknown> {
  if (kind === 'string') return fc.oneof({ arbitrary: hostileString, weight: 3 }, hostile);
  if (kind === 'number') return fc.oneof({ arbitrary: hostileNumber, weight: 3 }, hostile);
  return hostile;
}

const kindOf = (v: unknown) =>
  typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : 'other';

/** Known-good values by property name (real run ids, station codes...), to get past the lookups. */
export type Hints = Partial<Record<string, fc.Arbitrary<unknown>>>;

export interface WalkOptions {
  hints?: Hints;
  /** Mix hostile values in at every leaf (the wild mode); off: well-formed values only. */
  hostile: boolean;
}

type Def = {
  type: string;
  checks?: { _zod: { def: Record<string, unknown> } }[];
  [k: string]: unknown;
};
const defOf = (schema: z.ZodType) => schema._zod.def as unknown as Def;
const checksOf = (def: Def) => (def.checks ?? []).map((c) => c._zod.def);

/** An arbitrary for values of `schema`, mostly of its shape, with hostile ones mixed in. */
export function arbitraryOf(
  schema: z.ZodType,
  opts: WalkOptions,
  key?: string,
): fc.Arbitrary<unknown> {
  const shaped = shapeOf(schema, opts);
  const hint = key === undefined ? undefined : opts.hints?.[key];
  const good = hint
    ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: shaped, weight: 1 })
    : shaped;
  if (!opts.hostile) return good;
  const type = defOf(schema).type;
  const kind = type === 'string' || type === 'number' ? type : 'other';
  return fc.oneof({ arbitrary: good, weight: 2 }, { arbitrary: hostileLike(kind), weight: 1 });
}

function shapeOf(schema: z.ZodType, opts: WalkOptions): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return stringOf(def);
    case 'number':
      return numberOf(def);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'optional':
    case 'default':
    case 'nullable':
      return fc.option(shapeOf(def.innerType as z.ZodType, opts), {
        nil: def.type === 'nullable' ? null : undefined,
        freq: 5,
      });
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map((o) => shapeOf(o, opts)));
    case 'pipe': {
      // `z.string().trim().pipe(z.email())`: the output side says what a good value looks like.
      const out = defOf(def.out as z.ZodType);
      return shapeOf((out.type === 'transform' ? def.in : def.out) as z.ZodType, opts);
    }
    case 'array': {
      const { min, max } = lengthOf(def);
      return fc.array(arbitraryOf(def.element as z.ZodType, opts), {
        minLength: min,
        maxLength: Math.min(max, min + 8),
      });
    }
    case 'object':
      return objectOf(def, opts);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectOf(def: Def, opts: WalkOptions): fc.Arbitrary<unknown> {
  const shape = def.shape as Record<string, z.ZodType>;
  const fields = Object.entries(shape).map(([k, s]) => {
    const optional = ['optional', 'default'].includes(defOf(s).type);
    const value = arbitraryOf(optional ? (defOf(s).innerType as z.ZodType) : s, opts, k);
    // A required field is sometimes left out, an optional one often.
    const omit = fc.constant(OMIT);
    return [
      k,
      optional ? fc.oneof(omit, value) : fc.oneof({ arbitrary: value, weight: 12 }, omit),
    ] as const;
  });
  const record = fc.tuple(...fields.map(([, a]) => a)).map((values) => {
    const out: Record<string, unknown> = {};
    values.forEach((v, i) => {
      if (v !== OMIT) out[fields[i]![0]] = v;
    });
    return out;
  });
  if (!opts.hostile) return record;
  // Unknown keys, which strict objects refuse.
  return fc.oneof(
    { arbitrary: record, weight: 9 },
    {
      arbitrary: fc
        .tuple(
          record,
          fc.constantFrom('extra', '__proto__', 'constructor', 'userId', 'role'),
          hostile,
        )
        .map(([r, k, v]) => ({ ...r, [k]: v })),
      weight: 1,
    },
  );
}
const OMIT = Symbol('omit');

function lengthOf(def: Def): { min: number; max: number } {
  let min = 0;
  let max = 60;
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') min = c.minimum as number;
    if (c.check === 'max_length') max = c.maximum as number;
    if (c.check === 'length_equals') min = max = c.length as number;
  }
  return { min, max: Math.max(min, max) };
}

function stringOf(def: Def): fc.Arbitrary<string> {
  const { min, max } = lengthOf(def);
  const formats = [def, ...checksOf(def)].filter((c) => c.check === 'string_format');
  const format = formats.find((f) => f.format !== 'regex')?.format ?? formats[0]?.format;
  if (format === 'date') return calendarDates;
  if (format === 'email')
    return fc.emailAddress().filter((e) => e.length <= max && /^[\x20-\x7e]+$/.test(e));
  if (format === 'uuid') return fc.uuid();
  const pattern = formats.find((f) => f.format === 'regex')?.pattern as RegExp | undefined;
  if (!pattern || pattern.source === TEXT_PATTERN.source)
    return fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, min + 40) });
  // Patterns of ours are `^[...]{m,n}$` or `^[...]+$`: repeating a match still matches the latter.
  return fc
    .stringMatching(pattern)
    .map((s) =>
      (s.length > 0 && s.length < min ? s.repeat(Math.ceil(min / s.length)) : s).slice(0, max),
    );
}

const toDate = (d: Date) => d.toISOString().slice(0, 10);
/** Dates across the whole range a date column takes, and just outside it. */
const calendarDates: fc.Arbitrary<string> = fc.oneof(
  // PostgreSQL has no year 0: the one year of YYYY-MM-DD its `date` refuses outright.
  fc.constantFrom('0000-01-01', '0000-02-29', '0000-12-31'),
  fc
    .date({
      min: new Date(`${MIN_DATE}T00:00:00Z`),
      max: new Date(`${MAX_DATE}T00:00:00Z`),
      noInvalidDate: true,
    })
    .map(toDate),
  fc
    .date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map(toDate),
);

function numberOf(def: Def): fc.Arbitrary<number> {
  let int = false;
  let min = -Number.MAX_SAFE_INTEGER;
  let max = Number.MAX_SAFE_INTEGER;
  for (const c of checksOf(def)) {
    if (c.check === 'number_format' && String(c.format).includes('int')) int = true;
    if (c.check === 'greater_than')
      min = Math.max(min, (c.value as number) + (c.inclusive ? 0 : int ? 1 : Number.EPSILON));
    if (c.check === 'less_than')
      max = Math.min(max, (c.value as number) - (c.inclusive ? 0 : int ? 1 : Number.EPSILON));
  }
  // Near the bounds on both sides as often as in between: off-by-one is what breaks columns.
  const edges = [min, max, min - 1, max + 1].filter(Number.isSafeInteger);
  const within = int ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
  return fc.oneof({ arbitrary: within, weight: 3 }, fc.constantFrom(...edges));
}

/** Every path of a JSON-like value: the places one hostile value can be put. */
export function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pathsOf(v, [...at, i])));
  if (value && typeof value === 'object')
    return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...at, k])));
  return here;
}

/** `value` with the thing at `path` replaced (a copy; the root path replaces everything). */
export function replaceAt(value: unknown, path: (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  const copy = (
    Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) }
  ) as Record<string | number, unknown>;
  copy[head!] = replaceAt(copy[head!], rest, next);
  return copy;
}

/**
 * A well-formed value with exactly one place replaced by a hostile or random one: gets past every
 * other check, so the one bad field is what reaches the service (and would reach the database).
 */
export function mutatedOne(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(base, fc.nat()).chain(([b, i]) => {
    const paths = pathsOf(b);
    const path = paths[i % paths.length]!;
    const now = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], b);
    const wrong = fc.oneof(
      { arbitrary: hostileLike(kindOf(now)), weight: 4 },
      fc.jsonValue({ maxDepth: 1 }),
    );
    return wrong.map((v) => replaceAt(b, path, v));
  });
}
