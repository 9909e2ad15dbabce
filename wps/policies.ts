/**
 * The policy packs KJ's WPS functions compute with: the built-in packs plus those stored in the
 * active workbook (its very hidden KJ政策 sheet). WPS functions are synchronous and run in the add-in
 * page, apart from the task pane, so they read the stored packs themselves through the ET object
 * model. One cell — the stamp in KJ政策!G1, rewritten with every change of the stored packs by the
 * pane or by `kj policy store` — tells whether the packs read before still hold, so a ledger of
 * thousands of formulas reads the packs once, not once per cell.
 */
import { cellFromValue2, matrixFromValue2, prop } from "../src/host/wps";
import { POLICY_SHEET } from "../src/ledger/catalogue";
import { BUILTIN_POLICIES, buildRegistry, PolicyRegistry } from "../src/policy/registry";
import { STAMP_COL, storedPacks } from "../src/policy/stored";
import { cellAddress } from "../src/text";

type Com = any;

function sheetNamed(wb: Com, name: string): Com | null {
  const sheets = prop(wb, "Worksheets") ?? prop(wb, "Sheets");
  if (!sheets) return null;
  try {
    return sheets.Item(name) ?? null;
  } catch {
    return null;
  }
}

/** The packs of the workbook on one sheet read (a broken stored pack is left out; an overlap gives the built-in packs). */
function readRegistry(ws: Com, workbookName: string): PolicyRegistry {
  const used = prop(ws, "UsedRange");
  const firstRow = Number(prop(used, "Row")) || 1;
  const firstCol = Number(prop(used, "Column")) || 1;
  const rows = Number(prop(prop(used, "Rows"), "Count")) || undefined;
  const cols = Number(prop(prop(used, "Columns"), "Count")) || undefined;
  const values = matrixFromValue2(prop(used, "Value2"), rows, cols).map((r) => r.map(cellFromValue2));
  const { packs } = storedPacks({ sheets: [{ name: POLICY_SHEET, firstRow, firstCol, values }] }, workbookName, true);
  try {
    return buildRegistry(packs);
  } catch {
    return BUILTIN_POLICIES;
  }
}

/**
 * A source of the active workbook's registry for the functions: `app()` gives the ET Application.
 * Example: registerWpsFunctions(wps, undefined, wpsPolicySource(() => Application)).
 */
export function wpsPolicySource(app: () => Com | undefined): () => PolicyRegistry {
  let cache: { key: string; stamp: string; registry: PolicyRegistry } | null = null;
  return () => {
    const a = app();
    const wb = a ? prop(a, "ActiveWorkbook") : null;
    if (!wb) return BUILTIN_POLICIES;
    const ws = sheetNamed(wb, POLICY_SHEET);
    if (!ws) return BUILTIN_POLICIES;
    const key = String(prop(wb, "FullName") ?? prop(wb, "Name") ?? "");
    const stamp = String(cellFromValue2(prop(ws.Range(cellAddress(1, STAMP_COL)), "Value2")) ?? "");
    if (cache && cache.key === key && cache.stamp === stamp && stamp !== "") return cache.registry;
    const registry = readRegistry(ws, String(prop(wb, "Name") ?? ""));
    cache = { key, stamp, registry };
    return registry;
  };
}
