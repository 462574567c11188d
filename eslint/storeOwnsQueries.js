// The store owns every query (docs/design.md, Layout): outside src/store no code reaches LanceDB or
// writes its SQL. The rule reports, in a file it is given:
// - an import of @lancedb/lancedb, or of the store's SQL quoting (src/store/sql.ts: sqlString, sqlIn, filtersWhere);
// - a method called on a LanceDB object (a connection, a table, a query or a builder), however it was
//   obtained: the object's type is read from TypeScript, so `store.papers().query()` is caught as well as
//   `table.where(…)` (with type information only: the project's lint has it);
// - a string or template that reads as a LanceDB filter (`paperId IN (`, `publishedAt >= '…'`,
//   `x IS NOT NULL`): a filter is a typed argument of a store method, never SQL.

const MESSAGE =
  "The store owns every query: outside src/store, call a PaperStore (or ChunkSearch, SharedTable) method with typed filters " +
  "instead of building SQL or calling LanceDB (docs/design.md, Layout).";

/** The store's quoting, which only the store's own queries need. */
const SQL_HELPERS = new Set(["sqlString", "sqlIn", "filtersWhere"]);
const SQL_MODULE = /(^|\/)store\/sql(\.js)?$/;

/** Fragments of a LanceDB filter; prose and messages do not read like this. */
const SQL_TEXT = [
  /\b[A-Za-z_]\w* (?:IN|LIKE|NOT IN|NOT LIKE) [('%]/,
  /\bIS (?:NOT )?NULL\b/,
  /\b(?:array_has|array_contains|lower|upper)\(\w+/,
  // A column compared with a quoted value, a number, or a value interpolated right after (a template's part ends there).
  /(?:^|[(\s])[a-z][A-Za-z0-9_]* (?:=|!=|<>|>=|<=|<|>) (?:'|-?\d|$)/,
];

/** Nodes whose string is a module name, not text. */
const MODULE_NAME_HOLDERS = new Set(["ImportDeclaration", "ExportNamedDeclaration", "ExportAllDeclaration", "ImportExpression"]);

function declaredInLanceDb(type) {
  if (type.isUnion() || type.isIntersection()) return type.types.some(declaredInLanceDb);
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  return (symbol?.getDeclarations() ?? []).some((d) => /[\\/]@lancedb[\\/]lancedb[\\/]/.test(d.getSourceFile().fileName));
}

/** @type {import("eslint").Rule.RuleModule} */
export const storeOwnsQueries = {
  meta: {
    type: "problem",
    docs: { description: "no LanceDB query or SQL outside src/store" },
    schema: [],
    messages: { outside: MESSAGE },
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    const typed = Boolean(services?.program && services.getTypeAtLocation);
    const report = (node) => context.report({ node, messageId: "outside" });
    const isLanceDb = (source) => source === "@lancedb/lancedb" || source.startsWith("@lancedb/lancedb/");
    /** `import { sqlString }`, `import * as sql`, `export { sqlIn } from`, `export * from` the store's quoting. */
    const takesSqlHelpers = (node) =>
      node.type === "ExportAllDeclaration" ||
      node.specifiers.some((s) => s.type === "ImportNamespaceSpecifier" || SQL_HELPERS.has(s.imported?.name ?? s.local.name));
    const checkSource = (node) => {
      const source = node.source?.value;
      if (typeof source !== "string") return;
      if (isLanceDb(source) || (SQL_MODULE.test(source) && takesSqlHelpers(node))) report(node);
    };
    return {
      ImportDeclaration: checkSource,
      ExportNamedDeclaration: checkSource,
      ExportAllDeclaration: checkSource,
      ImportExpression(node) {
        if (node.source.type === "Literal" && typeof node.source.value === "string" && isLanceDb(node.source.value)) report(node);
      },
      Literal(node) {
        if (typeof node.value !== "string" || MODULE_NAME_HOLDERS.has(node.parent?.type)) return;
        if (SQL_TEXT.some((pattern) => pattern.test(node.value))) report(node);
      },
      TemplateElement(node) {
        if (SQL_TEXT.some((pattern) => pattern.test(node.value.cooked ?? node.value.raw))) report(node);
      },
      "CallExpression > MemberExpression.callee"(node) {
        if (typed && declaredInLanceDb(services.getTypeAtLocation(node.object))) report(node.property);
      },
    };
  },
};
