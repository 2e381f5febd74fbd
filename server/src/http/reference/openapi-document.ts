import { ackErrorSchema, httpRoutes, type HttpRouteSpec, type RouteName } from '@berth/shared';
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject } from 'zod-openapi';

/** Content types of the answers that are not JSON. */
const RAW_CONTENT = {
  text: 'text/plain',
  html: 'text/html',
  file: 'application/octet-stream',
} as const;

const refusal = z.object({ ok: z.literal(false), error: ackErrorSchema });

/**
 * The OpenAPI 3.1 document of every route in the table in `shared/`: the same schemas the
 * server parses requests with and the web client is typed from.
 */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const name of Object.keys(httpRoutes) as RouteName[]) {
    const spec: HttpRouteSpec = httpRoutes[name];
    const path = spec.path.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation(name, spec);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Berth',
      version,
      description:
        'Real-time railway seat booking. Every JSON answer is `{ ok: true, data }` or `{ ok: false, error: { code, message, details? } }`; the codes are stable. Holds, payments and cancellations are Socket.IO commands (see docs/protocol.md in the repository).',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
    },
    paths,
  }) as unknown as Record<string, unknown>;
}

function operation(name: RouteName, spec: HttpRouteSpec): ZodOpenApiOperationObject {
  const format = spec.format ?? 'ack';
  const success =
    format === 'ack'
      ? { 'application/json': { schema: z.object({ ok: z.literal(true), data: spec.answer }) } }
      : format === 'json'
        ? { 'application/json': { schema: spec.answer } }
        : { [RAW_CONTENT[format]]: { schema: z.string() } };
  return {
    operationId: name,
    summary: spec.summary,
    tags: [spec.tag],
    ...(spec.auth ? { security: [{ bearer: [] }] } : {}),
    ...(spec.params || spec.query
      ? {
          requestParams: {
            ...(spec.params ? { path: spec.params } : {}),
            ...(spec.query ? { query: spec.query } : {}),
          },
        }
      : {}),
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } }
      : {}),
    responses: {
      [String(spec.status ?? 200)]: {
        description: spec.auth ? `${spec.summary} (${spec.auth})` : spec.summary,
        content: success,
      },
      default: {
        description: 'A coded refusal (VALIDATION, UNAUTHENTICATED, RATE_LIMITED, ...)',
        content: { 'application/json': { schema: refusal } },
      },
    },
  };
}
