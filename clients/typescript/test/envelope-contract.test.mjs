// The envelope's names and types in src/envelope.ts against TenantRealtime.Abstractions: every constant of
// TenantRealtimeWire.EnvelopeFields is in ENVELOPE_FIELDS (same order) and is a member of TenantEnvelope, typed as
// TenantEnvelope.cs declares the property that carries that name; every constant of TenantRealtimeWire.Scopes is in
// Scopes (same order). Read with the TypeScript compiler API.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ENVELOPE_FIELDS, Scopes } from '../dist/index.js';
import { repoRoot } from './support/servers.mjs';

const abstractions = path.join(repoRoot, 'src/TenantRealtime.Abstractions');
const wire = readFileSync(path.join(abstractions, 'TenantRealtimeWire.cs'), 'utf8');
const envelopeCs = readFileSync(path.join(abstractions, 'TenantEnvelope.cs'), 'utf8');

/** A nested class's constants of TenantRealtimeWire: C# name → wire name, in declaration order. */
function csharpConstants(nestedClass) {
  const body = new RegExp(`public static class ${nestedClass}\\s*\\{([\\s\\S]*?)\\n    \\}`).exec(wire)[1];
  return [...body.matchAll(/public const string (\w+) = "([^"]+)";/g)].map(m => ({ constant: m[1], name: m[2] }));
}

/** EnvelopeFields' constants: C# name → wire name, in declaration order. */
const csharpFields = () => csharpConstants('EnvelopeFields');

/** TenantEnvelope's properties by the EnvelopeFields constant of their DataMember: {type, nullable, omittedWhenNull}. */
function csharpProperties() {
  const properties = new Map();
  const pattern = /\[DataMember\(Name = TenantRealtimeWire\.EnvelopeFields\.(\w+)\)\]\s*((?:\[[^\]]+\]\s*)*)public ([\w?]+) (\w+) \{/g;
  for (const m of envelopeCs.matchAll(pattern)) {
    properties.set(m[1], { type: m[3].replace('?', ''), nullable: m[3].endsWith('?'), omittedWhenNull: m[2].includes('WhenWritingNull'), property: m[4] });
  }
  return properties;
}

/** The members of `interface TenantEnvelope` in src/envelope.ts: name → {optional, types (sorted texts)}. */
function typescriptMembers() {
  const file = path.join(repoRoot, 'clients/typescript/src/envelope.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const members = new Map();
  source.forEachChild(node => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'TenantEnvelope') {
      for (const member of node.members) {
        assert.ok(ts.isPropertySignature(member), 'only properties');
        const type = member.type;
        const parts = ts.isUnionTypeNode(type) ? type.types : [type];
        members.set(member.name.getText(source), { optional: !!member.questionToken, types: parts.map(t => t.getText(source)).sort() });
      }
    }
  });
  // BroadcastScope is the type of Scopes' values, so the scopes are read from there.
  return { members, scopeLiterals: Object.values(Scopes).sort() };
}

/** What a C# property type reads as in JavaScript, under both hub protocols. */
const jsType = { string: 'string', long: 'number', int: 'number', object: 'TData' };

test('ENVELOPE_FIELDS lists TenantRealtimeWire.EnvelopeFields, in order', () => {
  const fields = csharpFields();
  assert.ok(fields.length >= 10, `read ${fields.length} constants`);
  assert.deepEqual([...ENVELOPE_FIELDS], fields.map(f => f.name));
});

test('Scopes lists TenantRealtimeWire.Scopes, in order', () => {
  const scopes = csharpConstants('Scopes');
  assert.ok(scopes.length >= 4, `read ${scopes.length} constants`);
  // The keys are the C# names in camelCase, as HubMethods and ErrorCodes spell theirs.
  assert.deepEqual(Object.entries(Scopes), scopes.map(s => [s.constant[0].toLowerCase() + s.constant.slice(1), s.name]));
});

test('TenantEnvelope has exactly those members, typed as TenantEnvelope.cs declares them', () => {
  const fields = csharpFields();
  const properties = csharpProperties();
  const { members, scopeLiterals } = typescriptMembers();
  assert.deepEqual([...members.keys()].sort(), fields.map(f => f.name).sort(), 'member names');

  for (const { constant, name } of fields) {
    const cs = properties.get(constant);
    assert.ok(cs, `TenantEnvelope.cs has a property named by EnvelopeFields.${constant}`);
    const member = members.get(name);
    const base = cs.property === 'Scope' ? 'BroadcastScope' : jsType[cs.type];
    assert.ok(base, `a JavaScript type for C# ${cs.type}`);
    if (cs.type === 'object') {
      assert.deepEqual(member.types, ['TData'], `${name} is the typed payload`);
      continue;
    }
    // Nullable and left out of JSON when null (MessagePack writes nil): optional and `| null`.
    const expected = cs.nullable ? [base, 'null'].sort() : [base];
    assert.deepEqual(member.types, expected, `${name}: C# ${cs.type}${cs.nullable ? '?' : ''}`);
    assert.equal(member.optional, cs.nullable && cs.omittedWhenNull, `${name} optional`);
  }

  // The scope's values are the ones the C# documentation of the wire name lists (EnvelopeFields.Scope). Not the summary
  // of TenantEnvelope.Scope: it still lists four scopes, without `topic`.
  const documented = /<summary><c>scope<\/c>:([^<]*(?:<c>(\w+)<\/c>[^<]*)+)/.exec(wire)[1];
  assert.deepEqual(scopeLiterals, [...documented.matchAll(/<c>(\w+)<\/c>/g)].map(m => m[1]).sort());
});
