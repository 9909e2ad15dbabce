/**
 * The layers of src/ stay visible (ARCHITECTURE.md): the core (policy, rules, ledger, jobs, fx and
 * the root files) at the bottom, the host port and adapters above it, the CLI on top. No two
 * folders import each other, and the core reaches into host/ only for the port's types.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const SRC = path.join(__dirname, "..", "src");

/** Folders that count as their own layer although they sit inside another folder. */
const OWN_LAYER = ["host/xlsx"];
const CORE = new Set(["(root)", "policy", "rules", "ledger", "jobs", "fx"]);
/** The only host files the core may import: the port (types of snapshots and edits). */
const CORE_MAY_IMPORT_FROM_HOST = new Set(["host/port.ts"]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** The layer a file belongs to: its first folder under src/, "(root)" for src/*.ts. */
export function layerOf(rel: string): string {
  const own = OWN_LAYER.find((l) => rel.startsWith(l + "/"));
  if (own) return own;
  const parts = rel.split("/");
  return parts.length === 1 ? "(root)" : parts[0];
}

/** Relative imports of one file (static, dynamic and require), resolved to paths under src/. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const found: string[] = [];
  const re = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const target = path.resolve(path.dirname(file), m[1]);
    const candidates = [target, target + ".ts", path.join(target, "index.ts")];
    const hit = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? target;
    found.push(path.relative(SRC, hit).split(path.sep).join("/"));
  }
  return found;
}

/** A cycle in a directed graph as a list of nodes (first = last), or null. */
export function findCycle(edges: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, "open");
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === "open") return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, "done");
    return null;
  };
  for (const n of edges.keys()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return null;
}

describe("layers of src/", () => {
  const files = sourceFiles(SRC).map((f) => ({ rel: path.relative(SRC, f).split(path.sep).join("/"), imports: importsOf(f) }));

  it("finds a cycle when there is one (the checker itself)", () => {
    const g = new Map([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a"])], ["d", new Set(["a"])]]);
    assert.deepEqual(findCycle(g), ["a", "b", "c", "a"]);
    assert.equal(findCycle(new Map([["a", new Set(["b"])], ["b", new Set<string>()]])), null);
    assert.equal(layerOf("host/xlsx/file.ts"), "host/xlsx");
    assert.equal(layerOf("host/port.ts"), "host");
    assert.equal(layerOf("dates.ts"), "(root)");
  });

  it("has no two folders importing each other, directly or round a loop", () => {
    const edges = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const f of files) {
      const from = layerOf(f.rel);
      if (!edges.has(from)) edges.set(from, new Set());
      for (const t of f.imports) {
        if (t.startsWith("..")) continue; // outside src/ (samples): checked by lint
        const to = layerOf(t);
        if (to === from) continue;
        edges.get(from)!.add(to);
        if (!why.has(`${from}>${to}`)) why.set(`${from}>${to}`, `${f.rel} imports ${t}`);
      }
    }
    const cycle = findCycle(edges);
    const explain = cycle ? cycle.slice(1).map((to, i) => why.get(`${cycle[i]}>${to}`)).join("; ") : "";
    assert.equal(cycle, null, `folder cycle ${cycle?.join(" -> ")}: ${explain}`);
  });

  it("keeps the core free of hosts, except the port's types", () => {
    const offending = files.flatMap((f) =>
      CORE.has(layerOf(f.rel))
        ? f.imports.filter((t) => (t.startsWith("host/") && !CORE_MAY_IMPORT_FROM_HOST.has(t)) || t.startsWith("cli/")).map((t) => `${f.rel} -> ${t}`)
        : [],
    );
    assert.deepEqual(offending, []);
  });

  it("keeps the root files (dates, text, errors, uscc) at the very bottom", () => {
    const offending = files.filter((f) => layerOf(f.rel) === "(root)").flatMap((f) => f.imports.filter((t) => t.includes("/")).map((t) => `${f.rel} -> ${t}`));
    assert.deepEqual(offending, []);
  });
});
