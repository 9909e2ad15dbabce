/**
 * 导出问题清单: the issues a validation found, as the add-in's own sheet 问题清单, one line per
 * issue (sheet, cell, row, column name, severity, message), ready to print and hand to whoever
 * keeps the ledger. Rewritten in place each time; nothing else in the workbook is touched.
 */
import { DayNumber, formatDay } from "../dates";
import { COUNT_NUMBER_FORMAT } from "../format";
import { CellValue } from "../ledger/cells";
import { Edit, WorkbookSnapshot } from "../host/port";
import { rewriteOwnSheetEdits } from "./ledgers";
import { Issue } from "./types";

export const ISSUES_SHEET = "问题清单";

export const ISSUE_LIST_HEADER = ["序号", "工作表", "单元格", "行", "列名", "级别", "问题"] as const;

const SEVERITY_TEXT = { error: "错误", warning: "警告" } as const;

export interface IssueListScope {
  /** The day the ledgers were checked on. */
  asOf: DayNumber;
  /** The sheets checked, with their data rows. */
  sheets: readonly { sheet: string; rows: number }[];
}

/** Where an issue is: "B14"; a missing column is about the header row ("第 2 行表头"). */
export function issueWhere(i: Issue): string {
  return i.col > 0 ? `${i.column}${i.row}` : i.row > 0 ? `第 ${i.row} 行表头` : "整表";
}

/**
 * The edits writing 问题清单 for `issues` (in the order given), with a title line saying what
 * was checked on which day and how many errors and warnings were found.
 * Example: issueListEdits(wb, report.sheets[0].issues, { asOf, sheets: [{ sheet: "企业培育库", rows: 300 }] }).
 */
export function issueListEdits(snapshot: WorkbookSnapshot, issues: readonly Issue[], scope: IssueListScope): Edit[] {
  const S = ISSUES_SHEET;
  const edits = rewriteOwnSheetEdits(snapshot, S);
  const errors = issues.filter((i) => i.severity === "error").length;
  const checked = scope.sheets.map((s) => `“${s.sheet}”${s.rows} 行`).join("、") || "（无）";
  const lines: CellValue[][] = [
    ["台账问题清单"],
    [`校验日期：${formatDay(scope.asOf)}　校验范围：${checked}　错误 ${errors} 个，警告 ${issues.length - errors} 个`],
    [issues.length === 0 ? "没有发现问题。" : issues.some((i) => i.col === 0) ? "“单元格”为空的是整列的问题（如缺少必填列）。" : null],
    [...ISSUE_LIST_HEADER],
  ];
  const headerRow = lines.length;
  issues.forEach((i, n) => lines.push([n + 1, i.sheet, i.col > 0 ? `${i.column}${i.row}` : null, i.row > 0 ? i.row : null, i.field, SEVERITY_TEXT[i.severity], i.message]));
  const width = ISSUE_LIST_HEADER.length;
  edits.push({ type: "setValues", sheet: S, row: 1, col: 1, values: lines.map((r) => [...r, ...new Array<CellValue>(width - r.length).fill(null)]) });
  edits.push({ type: "bold", sheet: S, row: 1, col: 1, rows: 1, cols: 1 });
  edits.push({ type: "bold", sheet: S, row: headerRow, col: 1, rows: 1, cols: width });
  if (issues.length > 0) {
    edits.push({ type: "numberFormat", sheet: S, row: headerRow + 1, col: 1, rows: issues.length, cols: 1, format: COUNT_NUMBER_FORMAT });
    edits.push({ type: "numberFormat", sheet: S, row: headerRow + 1, col: 4, rows: issues.length, cols: 1, format: COUNT_NUMBER_FORMAT });
  }
  edits.push({ type: "columnWidths", sheet: S, col: 1, widths: [6, 16, 8, 7, 18, 6, 60] });
  return edits;
}
