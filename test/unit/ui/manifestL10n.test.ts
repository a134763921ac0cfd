// The manifest's user-facing strings live in package.nls.json (English) and package.nls.zh-cn.json (Simplified
// Chinese): package.json only names them, both files hold exactly the names it uses, and a translation keeps what
// must stay literal (placeholders, code, command links, setting names, line breaks, bold spans).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { literalMismatches, untranslated } from '../../support/l10nChecks';

const ROOT = join(__dirname, '..', '..', '..');
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

const manifest = readJson('package.json');
const english = asMessages(readJson('package.nls.json'), 'package.nls.json');
const chinese = asMessages(readJson('package.nls.zh-cn.json'), 'package.nls.zh-cn.json');

/** VS Code replaces a manifest string by a message only when the whole string has this form. */
const REFERENCE = /^%([\w.-]+)%$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asMessages(value: unknown, file: string): Record<string, string> {
  assert.ok(isRecord(value), `${file} is an object`);
  for (const [key, text] of Object.entries(value)) assert.equal(typeof text, 'string', `${file}: ${key} is a string`);
  return value as Record<string, string>;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** Every `%key%` string anywhere in the manifest, with where it is. */
function references(value: unknown, path = ''): { path: string; key: string }[] {
  if (typeof value === 'string') {
    const key = REFERENCE.exec(value)?.[1];
    return key === undefined ? [] : [{ path, key }];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => references(v, `${path}[${i}]`));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => references(v, path === '' ? k : `${path}.${k}`));
  return [];
}

/** The manifest fields VS Code or the Marketplace show to a user, each with its value (possibly missing). */
function userFacingFields(m: unknown): { path: string; value: unknown }[] {
  const fields: { path: string; value: unknown }[] = [];
  const add = (owner: unknown, field: string, path: string, optional = true): void => {
    const record = asRecord(owner);
    if (field in record || !optional) fields.push({ path: `${path}.${field}`, value: record[field] });
  };
  const root = asRecord(m);
  add(root, 'displayName', '$', false);
  add(root, 'description', '$', false);
  add(asRecord(asRecord(root.capabilities).untrustedWorkspaces), 'description', '$.capabilities.untrustedWorkspaces');
  const c = asRecord(root.contributes);
  asList(c.commands).forEach((cmd, i) => {
    add(cmd, 'title', `$.contributes.commands[${i}]`, false);
    add(cmd, 'shortTitle', `$.contributes.commands[${i}]`);
    add(cmd, 'category', `$.contributes.commands[${i}]`);
  });
  for (const [where, list] of Object.entries(asRecord(c.viewsContainers)))
    asList(list).forEach((v, i) => add(v, 'title', `$.contributes.viewsContainers.${where}[${i}]`, false));
  for (const [where, list] of Object.entries(asRecord(c.views)))
    asList(list).forEach((v, i) => {
      add(v, 'name', `$.contributes.views.${where}[${i}]`, false);
      add(v, 'contextualTitle', `$.contributes.views.${where}[${i}]`);
    });
  asList(c.viewsWelcome).forEach((w, i) => add(w, 'contents', `$.contributes.viewsWelcome[${i}]`, false));
  asList(c.walkthroughs).forEach((w, i) => {
    const at = `$.contributes.walkthroughs[${i}]`;
    add(w, 'title', at, false);
    add(w, 'description', at, false);
    asList(asRecord(w).steps).forEach((s, j) => {
      add(s, 'title', `${at}.steps[${j}]`, false);
      add(s, 'description', `${at}.steps[${j}]`, false);
      add(asRecord(s).media, 'altText', `${at}.steps[${j}].media`);
    });
  });
  const setting = (p: unknown, at: string): void => {
    for (const field of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) add(p, field, at);
    for (const field of ['enumDescriptions', 'markdownEnumDescriptions'])
      asList(asRecord(p)[field]).forEach((value, i) => fields.push({ path: `${at}.${field}[${i}]`, value }));
    for (const [name, inner] of Object.entries(asRecord(asRecord(p).properties))) setting(inner, `${at}.properties.${name}`);
    if (isRecord(asRecord(p).items)) setting(asRecord(p).items, `${at}.items`);
  };
  const configurations = Array.isArray(c.configuration) ? c.configuration : [c.configuration];
  configurations.forEach((conf, i) => {
    const at = `$.contributes.configuration${Array.isArray(c.configuration) ? `[${i}]` : ''}`;
    add(conf, 'title', at);
    for (const [key, p] of Object.entries(asRecord(asRecord(conf).properties))) setting(p, `${at}.properties.${key}`);
  });
  return fields;
}

describe('manifest localization', () => {
  const refs = references(manifest);
  const used = new Set(refs.map((r) => r.key));

  it('leaves no user-facing string as a literal in package.json', () => {
    const fields = userFacingFields(manifest);
    for (const path of ['$.displayName', '$.contributes.commands[0].title', '$.contributes.commands[0].category', '$.contributes.viewsWelcome[0].contents'])
      assert.ok(
        fields.some((f) => f.path === path),
        `the walk reaches ${path}`,
      );
    assert.ok(fields.some((f) => f.path.includes('.enumDescriptions[')) && fields.some((f) => f.path.includes('.media.altText')));
    const literal = fields.filter((f) => typeof f.value !== 'string' || !REFERENCE.test(f.value)).map((f) => `${f.path}: ${JSON.stringify(f.value)}`);
    assert.deepEqual(literal, []);
  });

  for (const [file, messages] of [
    ['package.nls.json', english],
    ['package.nls.zh-cn.json', chinese],
  ] as const) {
    it(`${file} holds exactly the keys package.json uses`, () => {
      assert.ok(used.size > 0);
      const missing = refs.filter((r) => !Object.hasOwn(messages, r.key)).map((r) => `${r.path}: %${r.key}%`);
      assert.deepEqual(missing, [], `used in package.json, missing from ${file}`);
      const unused = Object.keys(messages).filter((k) => !used.has(k));
      assert.deepEqual(unused, [], `in ${file}, not used by package.json`);
    });

    it(`${file} names each key once`, () => {
      // JSON.parse keeps the last of two equal keys silently; count the keys as written.
      const written = [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^ {2}"((?:[^"\\]|\\.)+)":/gm)].map((m) => m[1]);
      assert.equal(written.length, Object.keys(messages).length, `${file} repeats a key`);
    });
  }

  it('has no empty English text', () => {
    assert.deepEqual(
      Object.entries(english)
        .filter(([, text]) => text.trim() === '')
        .map(([key]) => key),
      [],
    );
  });

  it('translates every value into Chinese, leaving only proper names as they are', () => {
    const problems = Object.entries(english).flatMap(([key, source]) => {
      const why = untranslated(source, chinese[key] ?? '');
      return why === undefined ? [] : [`${key} ${why}: ${JSON.stringify(chinese[key])}`];
    });
    assert.deepEqual(problems, []);
  });

  it('keeps every placeholder, code span, command link, setting name, line break and bold span in the translation', () => {
    const problems = Object.entries(english).flatMap(([key, source]) => literalMismatches(key, source, chinese[key] ?? ''));
    assert.deepEqual(problems, []);
  });
});

describe('the checks of a translation', () => {
  it('catch a dropped or changed literal', () => {
    assert.equal(literalMismatches('k', 'Run `npm start` with {0}', '运行 npm start，使用 {0}').length, 1);
    assert.equal(literalMismatches('k', 'Use ${workspaceFolder}', '使用 ${workspaceRoot}').length, 1);
    assert.equal(literalMismatches('k', 'Open\n[Open](command:clusterCredentials.openSample)', '打开 [打开](command:clusterCredentials.openSample)').length, 1);
    assert.equal(literalMismatches('k', 'See `#clusterCredentials.kubeconfig#`.', '参见 `#clusterCredentials.namespaces#`。').length, 2);
    assert.deepEqual(literalMismatches('k', 'Run `npm start` with {0}.', '使用 {0} 运行 `npm start`。'), []);
  });

  it('catch a bold span that no longer renders next to Chinese punctuation', () => {
    assert.equal(literalMismatches('k', 'Where **Read Audit Log…** creates it.', '**读取审计日志…**创建它。').length, 1);
    assert.deepEqual(literalMismatches('k', 'Where **Read Audit Log…** creates it.', '**读取审计日志…** 创建它。'), []);
  });

  it('allow an unchanged value only for a proper name', () => {
    assert.equal(untranslated('Cluster Credentials', 'Cluster Credentials'), undefined);
    assert.equal(untranslated('Cluster Credentials', '集群凭据'), undefined);
    assert.ok(untranslated('Cluster Credentials', 'Cluster Credential') !== undefined);
    assert.ok(untranslated('Refresh', 'Refresh') !== undefined);
    assert.ok(untranslated('Open kubeconfig', 'Open the kubeconfig') !== undefined);
    assert.ok(untranslated('Decode Token', ' ') !== undefined);
    assert.equal(untranslated('Decode Token', '解码令牌'), undefined);
  });
});
