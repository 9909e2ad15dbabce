/**
 * The workbook the safety suites run every job on: the sample ledgers (small), with hostile
 * strings in the places jobs copy text from (enterprise names, towns, departments, items,
 * statuses, notes), the user's own fills and notes on ledger cells (some on cells that
 * validation will mark, some on rows that upkeep will remove), and a user sheet with a formula.
 */
import { generateSampleWorkbook, sampleBrokenCells } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { MemorySheetInit } from "../../src/host/memory";
import { CellValue } from "../../src/ledger/cells";

/** Strings that a spreadsheet would run as a formula if they were typed into a General cell. */
export const HOSTILE = ['=HYPERLINK("http://x","点击")', "@SUM(1)", "+1", "-1+2", "\t=1", "\r=1"] as const;

export const AS_OF = dayFromParts(2025, 1, 1) as DayNumber;
export const ENTERPRISE = "企业培育库";
export const AWARD = "奖励";
export const USER_SHEET = "说明";
const OPTIONS = { enterprises: 40, seed: 20240101, asOfYear: 2024 };

/** Header row of a sample sheet (1-based). */
const HEADER_ROW: Record<string, number> = { [ENTERPRISE]: 2, [AWARD]: 2, 创新平台: 1, 人才: 1, 科技计划项目: 1 };

export interface SafetyFixture {
  seed: MemorySheetInit[];
  /** Enterprise rows made removal candidates (经营状态 注销), with hostile names. */
  removedRows: number[];
  /** Cells (sheet, row, col) holding a user fill or note. */
  decorated: { sheet: string; row: number; col: number }[];
}

export function safetyFixture(): SafetyFixture {
  const wb = generateSampleWorkbook(OPTIONS);
  const seed: MemorySheetInit[] = wb.sheets.map((s) => {
    const values: CellValue[][] = s.values.map((r) => [...r]);
    const formulas: { row: number; col: number; formula: string }[] = [];
    s.formulas?.forEach((r, i) => r.forEach((f, j) => f && formulas.push({ row: s.firstRow + i, col: s.firstCol + j, formula: f })));
    return { name: s.name, values, formulas, fills: [], notes: [] };
  });
  const sheet = (name: string) => seed.find((s) => s.name === name) as MemorySheetInit & { values: CellValue[][] };
  const col = (name: string, header: string) => {
    const c = sheet(name).values[HEADER_ROW[name] - 1].indexOf(header);
    if (c < 0) throw new Error(`${name} has no column ${header}`);
    return c + 1;
  };
  const set = (name: string, row: number, header: string, v: CellValue) => (sheet(name).values[row - 1][col(name, header) - 1] = v);

  // Enterprises: hostile names on rows that upkeep will suggest removing; hostile towns and notes.
  const broken = new Set(sampleBrokenCells(OPTIONS).map((b) => b.row));
  const removedRows: number[] = [];
  for (let row = 3; removedRows.length < HOSTILE.length; row++) if (!broken.has(row)) removedRows.push(row);
  removedRows.forEach((row, i) => {
    set(ENTERPRISE, row, "企业名称", HOSTILE[i]);
    set(ENTERPRISE, row, "经营状态", "注销");
    set(ENTERPRISE, row, "备注", HOSTILE[(i + 1) % HOSTILE.length]);
  });
  const last = sheet(ENTERPRISE).values.length;
  for (let row = 3; row <= last; row++) if (row % 3 === 0) set(ENTERPRISE, row, "所属镇街", HOSTILE[row % HOSTILE.length]);
  for (let row = 2; row <= 6; row++) set("创新平台", row, "主管部门", HOSTILE[row % HOSTILE.length]);
  for (let row = 2; row <= 4; row++) set("科技计划项目", row, "项目名称", HOSTILE[row % HOSTILE.length]);
  for (let row = 2; row <= 4; row++) set("人才", row, "姓名或团队", HOSTILE[row % HOSTILE.length]);
  // Awards: hostile firm names, one hostile item (cannot be computed: marked) and status.
  set(AWARD, 3, "名称", HOSTILE[0]);
  set(AWARD, 4, "名称", HOSTILE[1]);
  set(AWARD, 5, "奖励事项", HOSTILE[2]);
  set(AWARD, 6, "拨付状态", HOSTILE[3]);
  set(AWARD, 7, "备注", HOSTILE[4]);

  // The user's own fills and notes: on a kept row, on a cell validation marks, on a removed row.
  const decorated: SafetyFixture["decorated"] = [];
  const decorate = (name: string, row: number, c: number, color: string | null, note: string | null) => {
    if (color) sheet(name).fills?.push({ row, col: c, color });
    if (note) sheet(name).notes?.push({ row, col: c, text: note });
    decorated.push({ sheet: name, row, col: c });
  };
  const firstBroken = sampleBrokenCells(OPTIONS)[0];
  decorate(ENTERPRISE, firstBroken.row, firstBroken.col, "#00B050", "用户批注：代码待核实");
  decorate(ENTERPRISE, 2, 1, "#FFFF00", null);
  decorate(ENTERPRISE, last, col(ENTERPRISE, "企业名称"), "#92D050", "用户批注：最后一行");
  decorate(ENTERPRISE, removedRows[1], col(ENTERPRISE, "企业名称"), "#FF0000", "用户批注：这家已注销");
  decorate(AWARD, 5, col(AWARD, "奖励事项"), "#00B0F0", "用户批注：事项待定");
  decorate(AWARD, 3, 1, null, "用户批注：名称");

  // A sheet that is nobody's ledger, with a user formula and hostile text.
  seed.push({
    name: USER_SHEET,
    values: [["本表由科技局维护", null], ["联系人", "张三"], [HOSTILE[0], HOSTILE[5]], ["合计", null]],
    formulas: [{ row: 4, col: 2, formula: "=1+1" }],
    fills: [{ row: 1, col: 1, color: "#FFC000" }],
    notes: [{ row: 2, col: 2, text: "用户批注：电话另见" }],
  });
  return { seed, removedRows, decorated };
}
