import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate, executeTemplate } from '../../../src/cli/commands/go-template.js';
import { psStatuses, PS_HEADERS } from '../../../src/cli/commands/ps.js';

const rows = [
  { Name: 'demo-web-1', Service: 'web', State: 'running', Publishers: [{ PublishedPort: 8080 }] },
  { Name: 'demo-db-1', Service: 'db', State: 'exited', Publishers: [] },
];
const fields = ['Name', 'Service', 'State', 'Publishers'];

test('field, json and case actions; literal \\t and \\n become tab and newline', () => {
  assert.equal(renderTemplate('{{.Name}}\\t{{ .State }}', rows, PS_HEADERS, fields), 'demo-web-1\trunning\ndemo-db-1\texited\n');
  assert.equal(executeTemplate('{{json .Publishers}}|{{upper .Service}}', rows[0]!), '[{"PublishedPort":8080}]|WEB');
  assert.equal(JSON.parse(executeTemplate('{{json .}}', rows[1]!)).Name, 'demo-db-1');
  assert.equal(renderTemplate('{{.Name}}\\n', rows.slice(0, 1), PS_HEADERS, fields), 'demo-web-1\n\n');
});

test('table formats get docker\'s headers and columns padded to the widest cell plus three (at least ten)', () => {
  assert.equal(renderTemplate('table {{.Name}}\\t{{.State}}\\t{{.Service}}', rows, PS_HEADERS, fields),
    'NAME         STATE     SERVICE\n' +
    'demo-web-1   running   web\n' +
    'demo-db-1    exited    db\n');
});

test('an unknown field or action is a usage error before any output', () => {
  assert.throws(() => renderTemplate('{{.Nope}}', rows, PS_HEADERS, fields), /can't evaluate field Nope/);
  assert.throws(() => renderTemplate('{{range .Publishers}}x{{end}}', rows, PS_HEADERS, fields), /unsupported action \{\{range \.Publishers\}\}/);
});

test('ps statuses: repeated --status plus --filter status=X, checked as docker compose does', () => {
  assert.deepEqual(psStatuses(['running', 'paused'], undefined), ['running', 'paused']);
  assert.deepEqual(psStatuses(undefined, 'status=exited'), ['exited']);
  assert.throws(() => psStatuses(undefined, 'status'), /arguments to --filter should be in form KEY=VAL/);
  assert.throws(() => psStatuses(undefined, 'name=x'), /unknown filter name/);
  assert.throws(() => psStatuses(['sleeping'], undefined), /invalid status "sleeping"/);
});
