// Table tests for templating: every filter, test and lookup against what Ansible's Jinja2 gives, plus native types,
// strict undefined, lazy scopes and Python's repr in text.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SdtdError } from '../../engine/errors.js';
import { filters } from '../../engine/filters.js';
import { dataFilters } from '../../engine/filters-data.js';
import { tests } from '../../engine/jinja-tests.js';
import { lookups } from '../../engine/lookups.js';
import { evalCondition, LAZY, renderString, renderText } from '../../engine/render.js';

/** [what is covered, template, expected value]; the value is the native one (a single `{{ }}` keeps its type). */
type Case = [string, string, unknown];

const users = [
  { name: 'a', age: 3 },
  { name: 'b', age: 1 },
];
const VARS: Record<string, unknown> = {
  x: 5,
  l: [3, 1, 2],
  d: { k: {} },
  s: 'Hello World',
  users,
  hv: { h1: { ip: '10.0.0.1' }, h2: { ip: '10.0.0.2' } },
  res: { changed: true, failed: false, rc: 0 },
  bad: { changed: false, failed: true, rc: 1 },
  loopres: { changed: true, results: [{ changed: false }, { changed: true }] },
  skipres: { changed: false, skipped: true },
};

/** A tiny lazy scope as the engine builds them: string values are templates, rendered when read. */
function lazyScope(raw: Record<string, unknown>): Record<string, unknown> {
  const scope: Record<string, unknown> = new Proxy(raw, {
    get: (t, k) => {
      if (k === LAZY) return true;
      if (typeof k !== 'string' || !Object.hasOwn(t, k)) return undefined;
      return typeof t[k] === 'string' ? renderString(t[k] as string, scope) : t[k];
    },
    has: (t, k) => typeof k === 'string' && Object.hasOwn(t, k),
  });
  return scope;
}

const covered = new Set<string>();
function table(title: string, cases: Case[], vars: () => object = () => VARS): void {
  describe(title, () => {
    for (const [what, tpl, want] of cases) {
      covered.add(what);
      it(`${what}: ${tpl}`, () => expect(renderString(tpl, vars())).to.deep.equal(want));
    }
  });
}
function fails(
  title: string,
  cases: [string, string, string, RegExp][],
  vars: () => object = () => VARS,
): void {
  describe(title, () => {
    for (const [what, tpl, code, msg] of cases) {
      covered.add(what);
      it(`${what}: ${tpl} fails`, () => {
        let err: unknown;
        try {
          renderString(tpl, vars());
        } catch (e) {
          err = e;
        }
        expect(err, 'an SdtdError').to.be.instanceOf(SdtdError);
        expect((err as SdtdError).code).to.equal(code);
        expect((err as SdtdError).message).to.match(msg);
      });
    }
  });
}

table('native types and text', [
  ['native', '{{ [1,2] }}', [1, 2]],
  ['native', '{{ 5 }}', 5],
  ['native', '{{ x }}', 5],
  ['native', '{{ {"a": 1} }}', { a: 1 }],
  ['native', '{{ none }}', null],
  ['native', 'a{{ x }}', 'a5'],
  ['repr', 'l={{ l }}', 'l=[3, 1, 2]'],
  ['repr', "d={{ {'a': 'x', 'b': [true, none]} }}", "d={'a': 'x', 'b': [True, None]}"],
  ['repr', 'b={{ true }} n={{ none }}', 'b=True n=None'],
  ['operators', '{{ [1] + [2] }}', [1, 2]],
  ['operators', '{{ 1 == "1" }}', false],
  ['operators', '{{ [1, [2]] == [1, [2]] }}', true],
  ['operators', '{{ not [] }}', true],
  ['operators', '{{ [] or "empty" }}', 'empty'],
  ['operators', '{% if {} %}y{% else %}n{% endif %}', 'n'],
  ['operators', '{{ "a" ~ true ~ none }}', 'aTrueNone'],
  ['operators', '{{ "%s-%03d" % ("a", 7) }}', 'a-007'],
  ['operators', '{{ -7 % 3 }}', 2],
  ['operators', '{{ 3 < x < 6 }}', true],
  ['operators', '{{ "Wo" in s and 2 in l and "k" in d }}', true],
  ['str methods', '{{ s.split() }}', ['Hello', 'World']],
  ['str methods', '{{ "aaa".replace("a", "b") }}', 'bbb'],
  ['str methods', '{{ " x ".strip() ~ s.lower() ~ s.startswith("He") }}', 'xhello worldTrue'],
  ['str methods', '{{ "{}-{name}".format(1, name="n") }}', '1-n'],
  ['string literals', String.raw`{{ "\d\n" }}`, '\\d\n'],
]);

// Jinja closes a tag at }} only outside brackets; nunjucks needed the nested ones spaced (engine/jinja-braces.ts)
table('nested braces, as Jinja reads them', [
  ['nested', "{{ d | combine({'b': {'c': 2}}) }}", { k: {}, b: { c: 2 } }],
  ['nested', "{{ {'a': {'b': {'c': 1}}} }}", { a: { b: { c: 1 } } }],
  ['nested', "{{{'a': 1}}}", { a: 1 }],
  ['nested', "x={{ {'a': {'b': 1}}['a']['b'] }}", 'x=1'],
  ['nested', "{{ {'a': {'b': 1}} | to_json }} and {{ x }}", '{"a": {"b": 1}} and 5'],
  ['nested', '{{ "}}" ~ \'{{\' }}', '}}{{'],
  ['nested', "{% set m = {'a': {'b': 2}} %}{{ m.a.b }}", '2'],
  ['nested', "{% for k, v in {'a': {'b': 3}}.items() %}{{ k }}{{ v.b }}{% endfor %}", 'a3'],
  ['nested', '{# {{ a }}} #}ok', 'ok'],
  ['nested', '{% raw %}{{ {"a": {"b": 1}} }}{% endraw %}', '{{ {"a": {"b": 1}} }}'],
  ['nested', '{{ x }}{{ x }}', '55'],
]);

table('filters', [
  ['default', '{{ nope | default("x") }}', 'x'],
  ['default', '{{ d.k.nope | default("x") }}', 'x'],
  ['default', '{{ "" | default("x") }}', ''],
  ['default', '{{ "" | default("x", true) }}', 'x'],
  ['default', '{{ [] | default([1], boolean=true) }}', [1]],
  ['default', '{{ none | default("x") }}', null],
  ['d', '{{ nope | d(1) }}', 1],
  ['mandatory', '{{ x | mandatory }}', 5],
  [
    'bool',
    '{{ ["yes", "On", "1", "true", 1, "no", "foo", 0] | map("bool") | list }}',
    [true, true, true, true, true, false, false, false],
  ],
  ['int', '{{ ["08", "42.7", " 12 ", "abc", true, "1_000"] | map("int") | list }}', [8, 42, 12, 0, 1, 1000]],
  ['int', '{{ "abc" | int(7) }}', 7],
  ['int', '{{ "0x1A" | int(base=16) + "ff" | int(0, 16) }}', 281],
  ['float', '{{ ["1.5", "x", 2] | map("float") | list }}', [1.5, 0, 2]],
  ['float', '{{ "x" | float(2.5) }}', 2.5],
  ['string', '{{ [5, true, none, [1, "a"]] | map("string") | list }}', ['5', 'True', 'None', "[1, 'a']"]],
  ['lower', '{{ s | lower }}', 'hello world'],
  ['upper', '{{ s | upper }}', 'HELLO WORLD'],
  ['replace', '{{ "aaa" | replace("a", "b") }}', 'bbb'],
  ['replace', '{{ "aaa" | replace("a", "b", 2) }}', 'bba'],
  ['join', '{{ [1, true, none] | join(",") }}', '1,True,None'],
  ['join', '{{ users | join(", ", attribute="name") }}', 'a, b'],
  ['length', '{{ "héllo" | length }}', 5],
  ['count', '{{ d | count + l | count }}', 4],
  ['first', '{{ l | first }}', 3],
  ['last', '{{ "abc" | last }}', 'c'],
  ['min', '{{ l | min }}', 1],
  ['max', '{{ ["B", "a", "C"] | max }}', 'C'],
  ['max', '{{ users | max(attribute="age") }}', users[0]],
  ['sort', '{{ ["b", "A", "c"] | sort }}', ['A', 'b', 'c']],
  ['sort', '{{ ["b", "B", "a"] | sort(case_sensitive=true) }}', ['B', 'a', 'b']],
  ['sort', '{{ l | sort(reverse=true) }}', [3, 2, 1]],
  ['sort', '{{ users | sort(attribute="age") | map(attribute="name") | list }}', ['b', 'a']],
  ['unique', '{{ [1, 2, 1, "a", "A"] | unique }}', [1, 2, 'a']],
  ['union', '{{ [1, 2] | union([2, 3]) }}', [1, 2, 3]],
  ['intersect', '{{ [1, 2] | intersect([2, 3]) }}', [2]],
  ['difference', '{{ [1, 2] | difference([2, 3]) }}', [1]],
  ['symmetric_difference', '{{ [1, 2] | symmetric_difference([2, 3]) }}', [1, 3]],
  ['flatten', '{{ [1, [2, [3, none]]] | flatten }}', [1, 2, 3]],
  ['flatten', '{{ [1, [2, [3]]] | flatten(levels=1) }}', [1, 2, [3]]],
  ['map', '{{ ["a", "B"] | map("upper") | list }}', ['A', 'B']],
  ['map', '{{ users | map(attribute="name") | list }}', ['a', 'b']],
  ['map', '{{ users | map(attribute="zip", default="-") | list }}', ['-', '-']],
  ['map', '{{ l | map("string") | map("regex_replace", "^", "n") | list }}', ['n3', 'n1', 'n2']],
  ['select', '{{ [0, 1, "", 2, [], "a"] | select | list }}', [1, 2, 'a']],
  ['select', '{{ l | select(">", 1) | list }}', [3, 2]],
  ['select', '{{ [x, nope] | select("defined") | list }}', [5]],
  ['select', '{{ ["ab", "ba"] | select("match", "a") | list }}', ['ab']],
  ['reject', '{{ l | reject("equalto", 1) | list }}', [3, 2]],
  ['selectattr', '{{ users | selectattr("age", "equalto", 1) | map(attribute="name") | list }}', ['b']],
  ['selectattr', '{{ users | selectattr("age", ">", 1) | map(attribute="name") | list }}', ['a']],
  ['selectattr', '{{ users | selectattr("zip", "defined") | list }}', []],
  ['rejectattr', '{{ users | rejectattr("age", "eq", 1) | map(attribute="name") | list }}', ['a']],
  [
    'combine',
    '{{ {"a": 1, "n": {"x": 1} } | combine({"b": 2, "n": {"y": 2} }) }}',
    { a: 1, n: { y: 2 }, b: 2 },
  ],
  ['combine', '{{ {"n": {"x": 1} } | combine({"n": {"y": 2} }, recursive=true) }}', { n: { x: 1, y: 2 } }],
  ['combine', '{{ [{"a": [1]}, {"a": [2]}] | combine(list_merge="append") }}', { a: [1, 2] }],
  ['dict2items', '{{ {"a": 1} | dict2items }}', [{ key: 'a', value: 1 }]],
  ['dict2items', '{{ {"a": 1} | dict2items(key_name="k", value_name="v") }}', [{ k: 'a', v: 1 }]],
  ['items2dict', '{{ [{"key": "a", "value": 1}] | items2dict }}', { a: 1 }],
  ['items2dict', '{{ [{"n": "a", "v": 1}] | items2dict(key_name="n", value_name="v") }}', { a: 1 }],
  ['to_json', '{{ {"a": [1, "é"], "b": none} | to_json }}', '{"a": [1, "\\u00e9"], "b": null}'],
  [
    'to_nice_json',
    '{{ {"b": 1, "a": [1]} | to_nice_json }}',
    '{\n    "a": [\n        1\n    ],\n    "b": 1\n}',
  ],
  ['to_yaml', '{{ {"b": "yes", "a": [1, 2]} | to_yaml }}', "a: [1, 2]\nb: 'yes'\n"],
  ['to_nice_yaml', '{{ {"b": 1, "a": {"c": "x"} } | to_nice_yaml }}', 'a:\n    c: x\nb: 1\n'],
  ['from_json', '{{ \'{"a": [1, null]}\' | from_json }}', { a: [1, null] }],
  ['from_yaml', '{{ "a: yes\\nb: [1, x]" | from_yaml }}', { a: true, b: [1, 'x'] }],
  ['regex_replace', String.raw`{{ "db01" | regex_replace("^db(\d+)$", "node-\\1") }}`, 'node-01'],
  [
    'regex_replace',
    String.raw`{{ "Hello" | regex_replace("(?P<c>L)", "[\\g<c>]", ignorecase=true) }}`,
    'He[l][l]o',
  ],
  ['regex_search', String.raw`{{ "server-42" | regex_search("\d+") }}`, '42'],
  [
    'regex_search',
    String.raw`{{ "server-42" | regex_search("(?P<n>\w+)-(\d+)", "\\g<n>", "\\2") }}`,
    ['server', '42'],
  ],
  ['regex_search', '{{ "abc" | regex_search("z") }}', null],
  ['regex_findall', String.raw`{{ "a1b22" | regex_findall("\d+") }}`, ['1', '22']],
  [
    'regex_findall',
    String.raw`{{ "k=v, x=y" | regex_findall("(\w)=(\w)") }}`,
    [
      ['k', 'v'],
      ['x', 'y'],
    ],
  ],
  ['regex_escape', '{{ "a.b*c d" | regex_escape }}', 'a\\.b\\*c\\ d'],
  ['b64encode', '{{ "hello" | b64encode }}', 'aGVsbG8='],
  ['b64decode', '{{ "aGVsbG8=" | b64decode }}', 'hello'],
  [
    'hash',
    '{{ "abc" | hash("sha256") }}',
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  ],
  ['hash', '{{ "abc" | hash("md5") }}', '900150983cd24fb0d6963f7d28e17f72'],
  ['checksum', '{{ "abc" | checksum }}', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['sha1', '{{ "abc" | sha1 }}', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['md5', '{{ "abc" | md5 }}', '900150983cd24fb0d6963f7d28e17f72'],
  ['ternary', '{{ (x > 1) | ternary("big", "small") }}', 'big'],
  ['ternary', '{{ none | ternary("y", "n", "none") }}', 'none'],
  ['basename', '{{ "/etc/hosts" | basename }}', 'hosts'],
  ['basename', '{{ "a/b/" | basename }}', ''],
  ['dirname', '{{ "/etc/hosts" | dirname }}', '/etc'],
  ['splitext', '{{ "a/b.tar.gz" | splitext }}', ['a/b.tar', '.gz']],
  ['path_join', '{{ ["/etc", "x", "y.conf"] | path_join }}', '/etc/x/y.conf'],
  ['quote', "{{ 'a b' | quote }} {{ 'abc' | quote }} {{ \"it's\" | quote }}", "'a b' abc 'it'\\''s'"],
  ['split', '{{ "a,b,,c" | split(",") }}', ['a', 'b', '', 'c']],
  ['split', '{{ " a  b " | split }}', ['a', 'b']],
  ['trim', '{{ "  x " | trim }}', 'x'],
  ['trim', '{{ "xxaxx" | trim("x") }}', 'a'],
  [
    'zip',
    '{{ [1, 2] | zip(["a", "b", "c"]) | list }}',
    [
      [1, 'a'],
      [2, 'b'],
    ],
  ],
  [
    'zip_longest',
    '{{ [1] | zip_longest(["a", "b"], fillvalue=0) | list }}',
    [
      [1, 'a'],
      [0, 'b'],
    ],
  ],
  ['list', '{{ "ab" | list }}', ['a', 'b']],
  ['list', '{{ {"a": 1} | list }}', ['a']],
  ['random', '{{ 100 | random(seed="h1") == 100 | random(seed="h1") }}', true],
  ['random', '{{ (l | random(seed="h1")) in l }}', true],
  ['format', '{{ "%s-%d" | format("a", 3) }}', 'a-3'],
  ['indent', '{{ "a\\nb" | indent(2) }}', 'a\n  b'],
  ['indent', '{{ "a\\nb" | indent(2, first=true) }}', '  a\n  b'],
  ['sum', '{{ [[1], [2]] | sum(start=[]) }}', [1, 2]],
  ['sum', '{{ l | sum }}', 6],
  ['round', '{{ [2.5, 3.5] | map("round") | list }}', [2, 4]],
  ['round', '{{ 2.567 | round(2) }}', 2.57],
  ['round', '{{ 2.1 | round(0, "ceil") }}', 3],
  [
    'type_debug',
    '{{ ["a", 1, 1.5, true, none, [], {}] | map("type_debug") | list }}',
    ['str', 'int', 'float', 'bool', 'NoneType', 'list', 'dict'],
  ],
  ['extract', '{{ ["h1", "h2"] | map("extract", hv, "ip") | list }}', ['10.0.0.1', '10.0.0.2']],
  ['extract', '{{ [0, 2] | map("extract", ["a", "b", "c"]) | list }}', ['a', 'c']],
]);

table('tests', [
  ['defined', '{{ x is defined and nope is not defined and d.k.q is not defined }}', true],
  ['undefined', '{{ nope is undefined }}', true],
  ['none', '{{ none is none and x is not none }}', true],
  ['match', '{{ "abc" is match("b") }}', false],
  ['match', '{{ "abc" is match("A", ignorecase=true) }}', true],
  ['search', '{{ "abc" is search("b") }}', true],
  ['regex', String.raw`{{ "v1.2" is regex("^v\d") and "x" is not regex("y") }}`, true],
  ['regex', '{{ "abc" is regex("b", match_type="match") }}', false],
  ['in', '{{ 2 is in(l) and "k" is in(d) }}', true],
  ['contains', '{{ l is contains(2) }}', true],
  ['equalto', '{{ x is equalto(5) and [1] is eq([1]) }}', true],
  ['==', '{{ l | select("==", 1) | list }}', [1]],
  ['ne', '{{ x is ne(4) }}', true],
  ['lt', '{{ l | select("lt", 3) | list }}', [1, 2]],
  ['le', '{{ l | select("le", 2) | list }}', [1, 2]],
  ['gt', '{{ x is gt(4) }}', true],
  ['ge', '{{ x is ge(5) }}', true],
  ['number', '{{ x is number and "5" is not number }}', true],
  ['integer', '{{ x is integer and 1.5 is not integer }}', true],
  ['float', '{{ 1.5 is float }}', true],
  ['string', '{{ s is string and x is not string }}', true],
  ['mapping', '{{ d is mapping and l is not mapping }}', true],
  ['sequence', '{{ l is sequence and s is sequence and x is not sequence }}', true],
  ['iterable', '{{ d is iterable and x is not iterable }}', true],
  ['boolean', '{{ true is boolean and "true" is not boolean }}', true],
  ['true', '{{ true is true and 1 is not true }}', true],
  ['false', '{{ false is false }}', true],
  ['truthy', '{{ "no" is truthy and "no" is not truthy(convert_bool=true) }}', true],
  ['falsy', '{{ [] is falsy and "" is falsy }}', true],
  ['subset', '{{ [1, 2] is subset(l) }}', true],
  ['superset', '{{ l is superset([3]) }}', true],
  ['version', '{{ "1.2.10" is version("1.2.9", ">") }}', true],
  ['version', '{{ "2.0" is version("2.0.0", "==", version_type="loose") }}', false],
  ['version', '{{ "1.0.0-rc.1" is version("1.0.0", "lt", version_type="semver") }}', true],
  ['version', '{{ "1.0a1" is version("1.0", "<", strict=true) }}', true],
  ['version_compare', '{{ "3.9" is version_compare("3.10", "<") }}', true],
  ['changed', '{{ res is changed and bad is not changed and loopres is changed }}', true],
  ['failed', '{{ bad is failed and res is not failed }}', true],
  ['succeeded', '{{ res is succeeded and bad is not succeeded }}', true],
  ['success', '{{ res is success }}', true],
  ['skipped', '{{ skipres is skipped and res is not skipped }}', true],
  ['unreachable', '{{ res is not unreachable and res is reachable }}', true],
  ['exists', '{{ "/" is exists and "/nope/nope" is not exists }}', true],
  ['file', '{{ "/" is not file }}', true],
  ['directory', '{{ "/" is directory }}', true],
  ['link', '{{ "/" is not link }}', true],
  ['abs', '{{ "/etc" is abs and "etc" is not abs }}', true],
]);

describe('conditions (evalCondition)', () => {
  const rows: [string, boolean][] = [
    ['res is changed', true],
    ['bad is not succeeded', true],
    ['skipres is skipped', true],
    ['x is defined and x > 3', true],
    ['nope is defined', false],
    ['nope | default(false)', false],
    ['l', true],
    ['[]', false],
    ['s is search("World") and s is not match("World")', true],
    ['{{ l | length > 2 }}', true],
  ];
  for (const [cond, want] of rows) it(cond, () => expect(evalCondition(cond, VARS)).to.equal(want));
});

fails('errors', [
  ['undefined', '{{ nope }}', 'undefined-variable', /'nope'/],
  ['undefined', '{{ d.k.q }}', 'undefined-variable', /'d\.k\.q'/],
  ['undefined', '{{ d.nope.q }}', 'undefined-variable', /'d\.nope'/],
  ['undefined', '{{ nope | lower }}', 'undefined-variable', /'nope'/],
  ['undefined', '{{ nope | title }}', 'undefined-variable', /'nope'/],
  ['undefined', '{{ nope ~ "a" }}', 'undefined-variable', /'nope'/],
  ['mandatory', '{{ nope | mandatory }}', 'undefined-variable', /mandatory: expected 'nope' to be defined/],
  ['mandatory', '{{ nope | mandatory("set nope first") }}', 'undefined-variable', /^set nope first$/],
  ['first', '{{ [] | first }}', 'undefined-variable', /first item of an empty list/],
  ['map', '{{ users | map(attribute="zip") | list }}', 'undefined-variable', /attribute 'zip'/],
  [
    'length',
    '{{ 5 | length }}',
    'template',
    /length: expected a string, a list or a mapping \(got number 5\)/,
  ],
  ['regex_search', '{{ "a" | regex_search("(") }}', 'template', /expected a valid regular expression/],
  ['hash', '{{ "a" | hash("nope") }}', 'template', /expected a hash type/],
  ['random', '{{ 10 | random }}', 'template', /random: expected seed=/],
  ['combine', '{{ {} | combine(1) }}', 'template', /combine: expected a mapping \(got number 1\)/],
  ['items2dict', '{{ [{"a": 1}] | items2dict }}', 'template', /expected items with 'key' and 'value'/],
  ['from_json', '{{ "{" | from_json }}', 'template', /from_json: expected JSON text/],
  ['version', '{{ "1" is version("2", "~") }}', 'template', /expected an operator/],
  ['changed', '{{ 5 is changed }}', 'template', /changed: expected a registered task result/],
  ['operators', '{{ "a" < 1 }}', 'template', /expected values of one comparable type/],
]);

describe('lazy scopes', () => {
  const scope = () =>
    lazyScope({
      base: 'srv',
      name: '{{ base }}-01',
      names: '{{ [name, "x"] }}',
      port: 8080,
      url: 'http://{{ name }}:{{ port }}',
      broken: '{{ nope }}-x',
    });
  table(
    'filters on lazy variables',
    [
      ['lazy', '{{ name | upper }}', 'SRV-01'],
      ['lazy', '{{ names | map("upper") | list }}', ['SRV-01', 'X']],
      ['lazy', String.raw`{{ url | regex_search(":(\d+)", "\\1") }}`, ['8080']],
      ['lazy', '{{ broken | default("fallback") }}', 'fallback'],
      ['lazy', '{{ broken is defined }}', false],
      ['lazy', "{{ lookup('vars', 'name') }}", 'srv-01'],
      ['lazy', 'at {{ names }}', "at ['srv-01', 'x']"],
    ],
    scope,
  );
  fails(
    'using a lazy variable that needs an undefined one',
    [['lazy', '{{ broken }}', 'undefined-variable', /'nope'/]],
    scope,
  );
});

describe('lookups', () => {
  const root = mkdtempSync(join(tmpdir(), 'sdtd-render-'));
  const role = join(root, 'roles', 'r');
  const play = join(root, 'play');
  mkdirSync(join(role, 'files'), { recursive: true });
  mkdirSync(join(role, 'templates'), { recursive: true });
  mkdirSync(join(play, 'files'), { recursive: true });
  writeFileSync(join(role, 'files', 'a.txt'), 'from role\n\n');
  writeFileSync(join(play, 'b.txt'), 'from play\n');
  writeFileSync(join(role, 'templates', 't.j2'), 'Hello {{ name }} {{ extra | default("-") }}\n');
  process.env.SDTD_RENDER_TEST = 'v1';
  delete process.env.SDTD_RENDER_UNSET;
  after(() => rmSync(root, { recursive: true, force: true }));
  const vars = () =>
    lazyScope({ base: 'srv', name: '{{ base }}-01', conf: { a: 1 }, __sdtd: { searchDirs: [role, play] } });

  table(
    'lookup, query and q',
    [
      ['file', "{{ lookup('file', 'a.txt') }}", 'from role'],
      ['file', "{{ lookup('file', 'a.txt', 'b.txt') }}", 'from role,from play'],
      ['file', "{{ lookup('file', 'a.txt', rstrip=false) }}", 'from role\n\n'],
      ['file', `{{ query('file', '${join(play, 'b.txt')}') }}`, ['from play']],
      ['template', "{{ lookup('template', 't.j2') }}", 'Hello srv-01 -\n'],
      ['template', "{{ lookup('template', 't.j2', template_vars={'extra': 'E'}) }}", 'Hello srv-01 E\n'],
      ['env', "{{ lookup('env', 'SDTD_RENDER_TEST') }}", 'v1'],
      ['env', "{{ lookup('env', 'SDTD_RENDER_UNSET') }}", ''],
      ['env', "{{ lookup('env', 'SDTD_RENDER_UNSET', default='d') }}", 'd'],
      ['first_found', "{{ lookup('first_found', ['nope.yml', 'b.txt']) }}", join(play, 'b.txt')],
      [
        'first_found',
        `{{ lookup('first_found', {'files': ['b.txt'], 'paths': ['${play}']}) }}`,
        join(play, 'b.txt'),
      ],
      ['first_found', "{{ query('first_found', ['nope.yml'], skip=true) }}", []],
      ['pipe', "{{ lookup('pipe', 'echo hi; echo there') }}", 'hi\nthere'],
      ['pipe', "{{ lookup('pipe', 'ls b.txt') }}", 'b.txt'],
      ['lines', "{{ q('lines', 'printf \"a\\\\nb\\\\n\"') }}", ['a', 'b']],
      ['items', "{{ query('items', [1, [2]], 3) }}", [1, [2], 3]],
      ['items', "{{ lookup('items', ['a', 'b']) }}", 'a,b'],
      ['dict', "{{ query('dict', conf) }}", [{ key: 'a', value: 1 }]],
      ['vars', "{{ lookup('vars', 'nope', default=0) }}", 0],
      ['list', "{{ query('list', 1, 2) }}", [1, 2]],
      ['fileglob', "{{ query('fileglob', '*.txt') }}", [join(role, 'files', 'a.txt')]],
      ['query', "{{ lookup('file', 'a.txt', wantlist=true) }}", ['from role']],
    ],
    vars,
  );
  fails(
    'lookup errors',
    [
      [
        'file',
        "{{ lookup('file', 'nope.txt') }}",
        'missing-file',
        /expected "nope\.txt" on the manager \(got no such file; looked in .*roles\/r\/files\/nope\.txt/,
      ],
      [
        'first_found',
        "{{ lookup('first_found', ['x.yml']) }}",
        'missing-file',
        /first_found: expected one of x\.yml/,
      ],
      ['pipe', "{{ lookup('pipe', 'exit 3') }}", 'template', /expected "exit 3" to succeed \(got exit 3/],
      ['lookup', "{{ lookup('nope') }}", 'template', /expected a lookup among/],
    ],
    vars,
  );
  it('renderText renders a whole template file through lookups', () => {
    expect(renderText("{{ lookup('file', 'b.txt') }}!\n", vars())).to.equal('from play!\n');
  });
});

describe('coverage', () => {
  it('has a case for every filter, test and lookup', () => {
    const all = [
      ...Object.keys(filters),
      ...Object.keys(dataFilters),
      ...Object.keys(tests),
      ...Object.keys(lookups),
    ];
    const aliases = ['count', 'd', 'eq', 'sameas', '!=', '<', '<=', '>', '>=', 'lessthan', 'greaterthan'];
    const missing = all.filter(
      (n) =>
        !covered.has(n) && !aliases.includes(n) && !/^(is_|change|failure|skip|successful|reachable)/.test(n),
    );
    expect(missing).to.deep.equal([]);
  });
});
