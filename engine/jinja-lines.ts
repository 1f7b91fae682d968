// Runtime errors in a template know their line: nunjucks itself updates its line counter only at function calls.
import compiler from 'nunjucks/src/compiler.js';
import nodes from 'nunjucks/src/nodes.js';

/** The statements whose evaluation can fail: each sets the line counter before it runs. */
const STATEMENTS = [
  'compileOutput',
  'compileIf',
  'compileFor',
  'compileSet',
  'compileInclude',
  'compileCallExtension',
];

let installed = false;
export function installLineTracking(): void {
  if (installed) return;
  installed = true;
  const P = compiler.Compiler.prototype;
  for (const name of STATEMENTS) {
    const orig = P[name];
    P[name] = function tracked(this: any, node: any, ...rest: unknown[]) {
      const onlyText =
        name === 'compileOutput' && node.children.every((c: unknown) => c instanceof nodes.TemplateData);
      if (!onlyText) this._emitLine(`lineno = ${node.lineno}; colno = ${node.colno};`);
      return orig.call(this, node, ...rest);
    };
  }
}
