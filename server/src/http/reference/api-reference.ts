import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DomainError } from '../../common/errors.ts';
import { Reply } from '../http-types.ts';
import type { ApiReference } from '../routes/api-deps.ts';
import { openApiDocument } from './openapi-document.ts';

/** Swagger UI's own files the page loads, by the name it asks for them. */
const SWAGGER_FILES = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
]);

/**
 * Starts Swagger UI on the node's own document. A file of its own, not inline, so the page's
 * policy can forbid inline scripts; `validatorUrl: null` keeps Swagger UI from sending the
 * document to swagger.io, so nothing leaves the node.
 */
const START_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Berth API reference</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/start.js"></script>
  </body>
</html>
`;

/** Only the node itself: Swagger UI draws its icons from data: URIs and styles inline. */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The OpenAPI document and Swagger UI, served by the node from its own packages: no network. */
export function createApiReference(): ApiReference {
  const require = createRequire(import.meta.url);
  const { version } = require('../../../package.json') as { version: string };
  const document = openApiDocument(version);
  const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Promise<Uint8Array>>();
  const headers = (contentType: string) => ({
    'content-type': contentType,
    'content-security-policy': PAGE_POLICY,
    'cache-control': 'public, max-age=3600',
  });
  return {
    document: () => document,
    page: () =>
      new Reply(200, PAGE, {
        'content-security-policy': PAGE_POLICY,
        'x-frame-options': 'DENY',
        'referrer-policy': 'same-origin',
      }),
    // Read once per file and kept: Swagger UI's bundle is about 1.5 MB.
    async file(name) {
      if (name === 'start.js')
        return new Reply(
          200,
          new TextEncoder().encode(START_SCRIPT),
          headers('text/javascript; charset=utf-8'),
        );
      const contentType = SWAGGER_FILES.get(name);
      if (!contentType)
        throw new DomainError('NOT_FOUND', `The API reference has no file ${name}.`);
      let bytes = cache.get(name);
      if (!bytes) {
        bytes = readFile(path.join(swaggerDir, name));
        cache.set(name, bytes);
      }
      return new Reply(200, await bytes, headers(contentType));
    },
  };
}
