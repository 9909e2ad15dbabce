/**
 * Workbooks for the browser demo: the sample ledger, a 10,000-row one (to show that
 * validation does not freeze the pane) and a hostile one whose names are HTML/script
 * payloads (the XSS end-to-end test loads it with ?fixture=xss). The payloads are only
 * ever data here; the pane must render them as text.
 */
import { WorkbookSnapshot } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { detectLedger } from "../../src/ledger/mapping";
import { DEFAULT_AS_OF_YEAR, generateSampleWorkbook } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { FixtureName } from "../detect";

/** Names an attacker might type into a ledger. */
export const HOSTILE_TEXTS = [
  "<img src=x onerror=alert(1)>",
  "<script>window.__pwned=1</script>",
  '"><svg onload=alert(1)>',
  "<iframe src=javascript:alert(1)>",
  '=HYPERLINK("http://x","点击")',
] as const;

/** A sheet name that is also markup (legal in Excel: no [ ] : * ? / \). */
export const HOSTILE_SHEET = "<b onmouseover=alert(1)>表";

/** The name-like field of each ledger kind. */
const NAME_FIELDS = ["name", "platformName", "host", "talentName", "employer", "projectName", "undertaker", "item", "town", "remarks", "businessState", "categories"];

/**
 * The demo's "today": the last day of the year the fictional ledgers describe, so suggestions,
 * attainment and awards look as they would for real data of that year (the browser clock
 * would make a 2024 sample look years out of date).
 */
export const DEMO_TODAY: DayNumber = dayFromParts(DEFAULT_AS_OF_YEAR, 12, 31) as DayNumber;

export function demoWorkbook(fixture: FixtureName): WorkbookSnapshot {
  switch (fixture) {
    case "large":
      return generateSampleWorkbook({ enterprises: 10_000 });
    case "xss":
      return hostileWorkbook();
    case "columns":
      return columnsWorkbook();
    case "empty":
      return emptyWorkbook();
    case "partial":
      return partialWorkbook();
    case "farcell":
      return farCellWorkbook();
    default:
      return generateSampleWorkbook();
  }
}

/**
 * The sample workbook (small) with every name-like cell replaced by a hostile text, so the
 * payloads reach every page: issue messages, suggestions, indicator and award lists.
 */
export function hostileWorkbook(): WorkbookSnapshot {
  const wb = generateSampleWorkbook({ enterprises: 40 });
  let k = 0;
  for (const sheet of wb.sheets) {
    const mapping = detectLedger(sheet.values, sheet.name, sheet.firstRow, sheet.firstCol);
    if (!mapping) continue;
    const headerIndex = mapping.headerRow - sheet.firstRow;
    for (const field of NAME_FIELDS) {
      const col = mapping.columns[field];
      if (col === undefined) continue;
      const c = col - sheet.firstCol;
      for (let r = headerIndex + 1; r < sheet.values.length; r++) {
        // Leave some rows alone so the jobs still find valid data to work with.
        if ((r + c) % 3 === 0) continue;
        sheet.values[r][c] = HOSTILE_TEXTS[k++ % HOSTILE_TEXTS.length];
      }
    }
  }
  wb.sheets.push({ name: HOSTILE_SHEET, firstRow: 1, firstCol: 1, values: [[HOSTILE_TEXTS[0], HOSTILE_TEXTS[1]]] });
  return wb;
}

/** The sheet of the "columns" fixture: a talent ledger without its required 入选年度 column. */
export const COLUMNS_SHEET = "人才台账（缺列）";

/**
 * A talent ledger whose header uses synonyms, an unknown column and lacks the required
 * 入选年度, to show the column mapping with a missing required column.
 */
export function columnsWorkbook(): WorkbookSnapshot {
  return {
    sheets: [
      {
        name: COLUMNS_SHEET,
        firstRow: 1,
        firstCol: 1,
        values: [
          ["2024年人才引进情况"],
          ["姓名", "入选工程", "级别", "工作单位", "联系电话"],
          ["张明", "枣庄英才", "市级", "薛城区某精密机械有限公司", "0632-0000000"],
          ["李华团队", "泰山产业领军人才", "省级", "薛城区某新材料有限公司", null],
        ],
      },
    ],
    activeSheet: COLUMNS_SHEET,
  };
}

/** The sheet of the "empty" fixture: notes, no ledger at all. */
export const EMPTY_SHEET = "工作说明";

/** A workbook with no ledger: every page must say so, show what it needs, and write nothing. */
export function emptyWorkbook(): WorkbookSnapshot {
  return {
    sheets: [{ name: EMPTY_SHEET, firstRow: 1, firstCol: 1, values: [["2024 年工作安排"], ["1. 年初更新培育库"], ["2. 每季度通报进展"]] }],
    activeSheet: EMPTY_SHEET,
  };
}

/** Sheets of the "partial" fixture: an enterprise list and an award list whose headers lack columns. */
export const PARTIAL_SHEETS = { enterprise: "企业名单", award: "奖励名单" } as const;

/**
 * Ledgers with only some of their headers (as a clerk's first sheet often is): an enterprise
 * list without 注册日期 / 培育类别 / 入库年度 and an award list without 奖励事项 / 认定日期.
 * The pages must say in red what each lacks, with the names each column may be written as.
 */
export function partialWorkbook(): WorkbookSnapshot {
  return {
    sheets: [
      {
        name: PARTIAL_SHEETS.enterprise,
        firstRow: 1,
        firstCol: 1,
        values: [
          ["企业名单（待补充）", null, null, null],
          ["企业名称", "统一社会信用代码", "所属镇街", "联系人"],
          ["薛城区某精密机械有限公司", "91370403MA3C5X2P1Q", "陶庄镇", "张明"],
          [HOSTILE_TEXTS[0], "91370403MA00000010", "常庄街道", "李华"],
        ],
      },
      {
        name: PARTIAL_SHEETS.award,
        firstRow: 1,
        firstCol: 1,
        values: [
          ["名称", "统一社会信用代码", "金额"],
          ["薛城区某新材料有限公司", "91370403MA00000020", 20],
        ],
      },
    ],
    activeSheet: PARTIAL_SHEETS.enterprise,
  };
}

/** The row of the "farcell" fixture's stray cell: 5,000 rows below the enterprise ledger's last row. */
export const FAR_CELL_GAP = 5_000;

/**
 * The sample workbook with one stray note far below the enterprise ledger (as in real ledgers:
 * something typed thousands of rows down): the hosts leave it out and every page says where.
 */
export function farCellWorkbook(): WorkbookSnapshot {
  const wb = generateSampleWorkbook();
  const sheet = wb.sheets.find((s) => detectLedger(s.values, s.name, s.firstRow, s.firstCol)?.kind === "enterprise");
  if (!sheet) return wb;
  const width = sheet.values[0].length;
  for (let i = 0; i < FAR_CELL_GAP; i++) sheet.values.push(new Array(width).fill(null));
  const stray: CellValue[] = new Array(width).fill(null);
  stray[2] = "旧数据备注";
  sheet.values.push(stray);
  return wb;
}
