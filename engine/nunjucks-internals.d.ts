// Types for the nunjucks internals render.ts and jinja-operators.ts patch (CommonJS modules without declarations).
declare module 'nunjucks/src/runtime.js' {
  const runtime: any;
  export default runtime;
}
declare module 'nunjucks/src/lib.js' {
  const lib: any;
  export default lib;
}
declare module 'nunjucks/src/nodes.js' {
  const nodes: any;
  export default nodes;
}
declare module 'nunjucks/src/compiler.js' {
  const compiler: any;
  export default compiler;
}
declare module 'nunjucks/src/lexer.js' {
  const lexer: any;
  export default lexer;
}
