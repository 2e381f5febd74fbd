/// <reference types="node" />
// The contract's JSDoc and declarations, read from shared/src with the TypeScript compiler API.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { ERROR_CODES } from '../errors.ts';

/** An entry of the contract and its JSDoc (empty when it has none). */
export interface Documented {
  name: string;
  description: string;
}

/** The events of one event map in events.ts, in source order, and the map's own JSDoc. */
export interface EventMapDoc {
  description: string;
  events: Documented[];
}

/** A file of shared/src (`file` relative to it, e.g. `events.ts`), parsed. */
function parseSource(file: string): ts.SourceFile {
  const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
}

/** A node's JSDoc as one line of Markdown (the comment's lines joined with spaces). */
function jsDoc(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The last `/** … *\/` comment in front of a node that the parser does not attach JSDoc to. */
function leadingDocComment(source: ts.SourceFile, node: ts.Node): string {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const doc = ranges.filter((r) => source.text.startsWith('/**', r.pos)).pop();
  if (!doc) return '';
  return source.text
    .slice(doc.pos + 3, doc.end - 2)
    .split('\n')
    .map((line) => line.replace(/^\s*\*? ?/, ''))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function propertyName(name: ts.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  throw new Error(`protocol-doc: unexpected property name ${name.getText()}`);
}

function unwrapAsConst(node: ts.Expression): ts.Expression {
  return ts.isAsExpression(node) || ts.isSatisfiesExpression(node) ? node.expression : node;
}

function findVariable(source: ts.SourceFile, name: string): ts.Expression {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) {
        return unwrapAsConst(d.initializer);
      }
    }
  }
  throw new Error(`protocol-doc: no ${name} in ${source.fileName}`);
}

/** One of the event maps of events.ts (`ClientToServerEvents`, `ServerToClientEvents`). */
export function eventMapDoc(
  interfaceName: 'ClientToServerEvents' | 'ServerToClientEvents',
): EventMapDoc {
  const source = parseSource('events.ts');
  const map = source.statements.find(
    (s): s is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(s) && s.name.text === interfaceName,
  );
  if (!map) throw new Error(`protocol-doc: no interface ${interfaceName} in events.ts`);
  return {
    description: jsDoc(map),
    events: map.members.map((member) => {
      if (!member.name) throw new Error(`protocol-doc: a member of ${interfaceName} has no name`);
      return { name: propertyName(member.name), description: jsDoc(member) };
    }),
  };
}

/** ERROR_CODES in source order, each with the comment in front of it in errors.ts, if any. */
export function errorCodeDocs(): Documented[] {
  const source = parseSource('errors.ts');
  const list = findVariable(source, 'ERROR_CODES');
  if (!ts.isArrayLiteralExpression(list)) throw new Error('protocol-doc: ERROR_CODES changed');
  const docs = list.elements.map((element) => {
    if (!ts.isStringLiteral(element)) throw new Error('protocol-doc: ERROR_CODES changed');
    return { name: element.text, description: leadingDocComment(source, element) };
  });
  if (docs.map((d) => d.name).join() !== ERROR_CODES.join()) {
    throw new Error('protocol-doc: errors.ts and ERROR_CODES disagree');
  }
  return docs;
}

/** A room of rooms.ts: its name with the parameters as `{param}`, and its JSDoc. */
export interface RoomDoc extends Documented {
  pattern: string;
}

export function roomDocs(): RoomDoc[] {
  const source = parseSource('rooms.ts');
  const object = findVariable(source, 'rooms');
  if (!ts.isObjectLiteralExpression(object)) throw new Error('protocol-doc: rooms changed');
  return object.properties.map((property) => {
    if (!ts.isPropertyAssignment(property)) throw new Error('protocol-doc: rooms changed');
    const value = property.initializer;
    let pattern: string;
    if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) {
      pattern = value.text;
    } else if (ts.isArrowFunction(value) && ts.isTemplateExpression(value.body)) {
      const body = value.body;
      pattern =
        body.head.text +
        body.templateSpans.map((s) => `{${s.expression.getText()}}${s.literal.text}`).join('');
    } else {
      throw new Error(`protocol-doc: room ${property.name.getText()} is not a name or template`);
    }
    return { name: propertyName(property.name), pattern, description: jsDoc(property) };
  });
}

/** The `Ack<T>` type as errors.ts declares it. */
export function ackTypeSource(): string {
  const source = parseSource('errors.ts');
  const alias = source.statements.find(
    (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'Ack',
  );
  if (!alias) throw new Error('protocol-doc: no type Ack in errors.ts');
  return alias.getText();
}

/** The JSDoc of an exported constant of errors.ts. */
export function constantDoc(name: string): string {
  const source = parseSource('errors.ts');
  const statement = source.statements.find(
    (s) =>
      ts.isVariableStatement(s) &&
      s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name),
  );
  const doc = statement ? jsDoc(statement) : '';
  if (!doc) throw new Error(`protocol-doc: ${name} has no JSDoc in errors.ts`);
  return doc;
}
