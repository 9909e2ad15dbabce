/**
 * 校验台账: pick a sheet (or check every recognised ledger at once), see its ledger kind and
 * column mapping, validate in chunks (the pane stays responsive on 10,000 rows), list the
 * issues grouped by row with a filter by column, jump to a cell; then 写入工作簿 marks the
 * cells, 导出问题清单 writes a printable sheet, 清除标记 takes the marks away again.
 */
import { MARK_REGISTRY_SHEET } from "../../src/host/marks";
import { SheetSnapshot, readWorkbook } from "../../src/host/port";
import { kindDef, LedgerKindDef, LEDGER_KINDS } from "../../src/ledger/catalogue";
import { ColumnMapping, detectLedger, headerHint, HEADER_SEARCH_ROWS, nearestLedger } from "../../src/ledger/mapping";
import { formatCount } from "../../src/format";
import { columnLetter } from "../../src/text";
import { Issue } from "../../src/jobs/types";
import { actionRunner, applyEdits, Page, PaneContext, runAction, showNotice } from "../context";
import { el, replaceChildren, yieldToUi } from "../dom";
import { POLICY_SHEET } from "../../src/ledger/catalogue";
import { clearMarksEdits, isOwnSheet, issueListPlan, ISSUE_LIST_SHEET, issueRef, markPlan, startValidation, ValidationOutcome } from "../jobs";
import { actionBar } from "../parts/action-bar";
import { cellButton, CellRef, countBy, filterChips } from "../parts/lists";
import { neededHeaderList, partialLedgerBox, stateBox } from "../parts/states";

/** Rows validated between two yields to the UI. */
export const ROWS_PER_CHUNK = 2000;
/** Row groups rendered at first; the rest behind a "显示更多" button. */
const GROUPS_SHOWN = 200;

export function createValidatePage(ctx: PaneContext): Page {
  const sheetSelect = el("select", { attrs: { id: "validate-sheet", "aria-label": "工作表" } });
  const reloadButton = el("button", { class: "btn", text: "刷新列表", title: "重新读取工作表列表和表头", attrs: { id: "validate-reload", type: "button" } });
  const runButton = el("button", { class: "btn btn-primary", text: "校验本表", attrs: { id: "validate-run", type: "button" } });
  const allButton = el("button", { class: "btn", text: "校验全部台账", title: "依次校验工作簿中每一个可识别的台账", attrs: { id: "validate-all", type: "button" } });
  const kindLine = el("div", { class: "kind-line", attrs: { id: "validate-kind" } });
  const mappingBox = el("div", { attrs: { id: "validate-mapping" } });
  const summary = el("div", { class: "summary", attrs: { id: "validate-summary" } });
  const list = el("div", { class: "issue-list", attrs: { id: "validate-issues" } });
  const filter = filterChips("validate-filter", "按列筛选", () => renderList());

  const markButton = el("button", { class: "btn btn-primary", text: "写入工作簿", title: "在问题单元格上加底色和批注", attrs: { id: "validate-mark", type: "button" } });
  const exportButton = el("button", { class: "btn", text: "导出问题清单", title: `新建（或更新）“${ISSUE_LIST_SHEET}”工作表，便于打印`, attrs: { id: "validate-export", type: "button" } });
  const clearButton = el("button", { class: "btn", text: "清除标记", title: "撤掉本加载项加的底色和批注，原有的保持不变", attrs: { id: "validate-clear", type: "button" } });
  const notice = el("div", { class: "notice", attrs: { id: "validate-notice" } });
  notice.hidden = true;
  const bar = actionBar("validate", [markButton, exportButton, clearButton], notice);

  const root = el("section", { class: "page", attrs: { id: "page-validate", "aria-label": "校验台账" } }, [
    el("div", { class: "page-body" }, [
      el("div", { class: "field-row" }, [el("label", { text: "工作表", attrs: { for: "validate-sheet" } }), sheetSelect, reloadButton]),
      kindLine,
      mappingBox,
      el("div", { class: "button-row" }, [runButton, allButton]),
      summary,
      filter.root,
      list,
    ]),
    bar.root,
  ]);

  let mapping: ColumnMapping | null = null;
  /** The last validation: one sheet or every ledger. */
  let results: { outcomes: ValidationOutcome[]; all: boolean; asOf: number } | null = null;
  const buttons = [runButton, allButton, markButton, exportButton, clearButton, reloadButton];

  function issues(): Issue[] {
    return results ? results.outcomes.flatMap((o) => o.issues) : [];
  }

  function settle(): void {
    runButton.disabled = sheetSelect.value === "" || mapping === null;
    const found = issues();
    markButton.disabled = found.length === 0;
    exportButton.disabled = results === null;
    clearButton.disabled = sheetSelect.value === "" && !results;
    if (!results) {
      bar.setStatus([mapping ? "点“校验本表”查看问题；写入前不改动工作簿。" : "请选择一个台账工作表。"]);
      bar.setWrite(null);
      return;
    }
    const errors = found.filter((i) => i.severity === "error").length;
    const rows = results.outcomes.reduce((n, o) => n + o.rows, 0);
    const scope = results.all ? `${results.outcomes.length} 个台账` : `“${results.outcomes[0]?.sheet ?? ""}”`;
    bar.setStatus([
      el("span", { class: "badge badge-error", text: `错误 ${formatCount(errors)}` }),
      " ",
      el("span", { class: "badge badge-warning", text: `警告 ${formatCount(found.length - errors)}` }),
      ` ${scope}，${formatCount(rows)} 行`,
    ]);
    bar.setWrite(found.length > 0 ? markPlan(results.outcomes).text : null);
  }

  async function loadSheets(): Promise<void> {
    // The hidden mark registry is the add-in's bookkeeping, not something to validate.
    const names = (await ctx.host.listSheets()).filter((n) => n !== MARK_REGISTRY_SHEET && n !== POLICY_SHEET);
    const current = sheetSelect.value || (await ctx.host.activeSheet()) || names[0] || "";
    replaceChildren(sheetSelect, names.map((n) => el("option", { text: n, attrs: { value: n } })));
    sheetSelect.value = names.includes(current) ? current : names[0] ?? "";
    await describeSheet();
  }

  /** Reads the chosen sheet once and shows its kind and column mapping, or why it is no ledger. */
  async function describeSheet(): Promise<void> {
    const name = sheetSelect.value;
    mapping = null;
    if (!name) {
      replaceChildren(kindLine, [stateBox("info", "工作簿中没有工作表。")]);
      replaceChildren(mappingBox);
      return;
    }
    const snap = await ctx.host.readSheet(name);
    mapping = detectLedger(snap.values, snap.name, snap.firstRow, snap.firstCol);
    renderMapping(snap);
  }

  function renderMapping(snap: SheetSnapshot): void {
    if (!mapping) {
      replaceChildren(mappingBox);
      replaceChildren(kindLine, [notLedgerState(snap)]);
      return;
    }
    const def = kindDef(mapping.kind);
    const dataRows = Math.max(0, snap.firstRow + snap.values.length - 1 - mapping.headerRow);
    const line = el("p", {}, ["台账类型：", el("strong", { text: def.title }), `（表头在第 ${mapping.headerRow} 行，数据 ${formatCount(dataRows)} 行）`]);
    const missing = mapping.missingRequired;
    replaceChildren(kindLine, [
      line,
      missing.length > 0
        ? stateBox("error", `缺少必填列 ${missing.length} 个：相关检查无法进行，校验会把它们列为错误。请在表头补上（写法任选其一）：`, [
            el("ul", { class: "needed-headers" }, missing.map((f) => el("li", { text: headerHint(f), attrs: { "data-field": f.name } }))),
          ], "validate-missing")
        : null,
    ]);
    replaceChildren(mappingBox, [mappingTable(def, mapping)]);
  }

  function notLedgerState(snap: SheetSnapshot): HTMLElement {
    if (isOwnSheet(snap.name)) return stateBox("info", `“${snap.name}”是本加载项生成的工作表，无需校验。`, [], "validate-state");
    const partial = nearestLedger(snap.values.slice(0, HEADER_SEARCH_ROWS), snap.name, snap.firstRow, snap.firstCol);
    if (partial) return partialLedgerBox(snap.name, partial, "validate-state");
    const empty = snap.values.every((r) => r.every((v) => v === null || v === undefined || v === ""));
    if (empty) return stateBox("info", `“${snap.name}”是空的，没有可校验的内容。`, [], "validate-state");
    return stateBox("info", `“${snap.name}”不是台账（前 ${HEADER_SEARCH_ROWS} 行中没有台账表头），无需校验。`, [
      el("details", { class: "needed" }, [
        el("summary", { text: "台账需要哪些表头？" }),
        ...LEDGER_KINDS.flatMap((d) => [el("p", { class: "needed-kind", text: d.title }), neededHeaderList(d.kind)]),
      ]),
    ], "validate-state");
  }

  function mappingTable(def: LedgerKindDef, m: ColumnMapping): HTMLElement {
    const headerText = new Map(m.headers.map((h) => [h.col, h.text]));
    const rows: HTMLElement[] = [];
    for (const f of def.fields) {
      const col = m.columns[f.id];
      if (col === undefined && !f.required) continue;
      const missing = col === undefined;
      rows.push(
        el("tr", { class: missing ? "missing" : "", attrs: { "data-field": f.name } }, [
          el("td", { text: f.name + (f.required ? " *" : "") }),
          el("td", { text: missing ? "缺失" : columnLetter(col) }),
          el("td", { text: missing ? "必填列未找到" : headerText.get(col) ?? "" }),
        ]),
      );
    }
    const unknown = m.headers.filter((h) => !h.field);
    const found = Object.keys(m.columns).length;
    const missingCount = m.missingRequired.length;
    const summaryText = `列对应关系：已识别 ${found} 列` + (missingCount ? `，缺少必填列 ${missingCount} 个` : "，必填列齐全");
    return el("details", { class: "mapping", attrs: missingCount ? { open: "" } : {} }, [
      el("summary", { class: missingCount ? "has-missing" : "", text: summaryText }),
      el("table", { class: "grid-table" }, [
        el("thead", {}, [el("tr", {}, [el("th", { text: "标准列名" }), el("th", { text: "列" }), el("th", { text: "表头" })])]),
        el("tbody", {}, rows),
      ]),
      unknown.length
        ? el("p", { class: "hint", text: `未识别的列（保留，不参与校验）：${unknown.map((h) => `${columnLetter(h.col)} ${h.text}`).join("、")}` })
        : null,
    ]);
  }

  /** Validates one snapshot in chunks, the busy line counting rows. */
  async function validateSnapshot(snap: SheetSnapshot, label: string): Promise<ValidationOutcome> {
    const run = startValidation(snap, ctx.today());
    for (;;) {
      const finished = run.step(ROWS_PER_CHUNK);
      bar.busy.progress(run.done(), run.total, `正在校验${label}：行`);
      if (finished) break;
      await yieldToUi();
    }
    return run.finish();
  }

  function clearResults(): void {
    results = null;
    replaceChildren(summary);
    replaceChildren(list);
    filter.update([], 0);
  }

  async function validate(): Promise<void> {
    const name = sheetSelect.value;
    showNotice(notice, "info", "");
    clearResults();
    const snap = await ctx.host.readSheet(name);
    mapping = detectLedger(snap.values, snap.name, snap.firstRow, snap.firstCol);
    renderMapping(snap);
    if (!mapping) {
      showNotice(notice, "error", `“${name}”不是可识别的台账，没有校验。`);
      return;
    }
    await yieldToUi();
    const outcome = await validateSnapshot(snap, `“${name}”`);
    results = { outcomes: [outcome], all: false, asOf: ctx.today() };
    renderResults([]);
    const n = outcome.issues.length;
    showNotice(notice, n ? "info" : "success", n ? "校验完成，工作簿未改动。点问题可定位到单元格；确认后可“写入工作簿”加标记。" : `校验完成：${formatCount(outcome.rows)} 行数据没有发现问题。`);
  }

  async function validateAll(): Promise<void> {
    showNotice(notice, "info", "");
    clearResults();
    const names = (await ctx.host.listSheets()).filter((n) => n !== MARK_REGISTRY_SHEET && !isOwnSheet(n));
    const outcomes: ValidationOutcome[] = [];
    const skipped: HTMLElement[] = [];
    for (const [i, name] of names.entries()) {
      bar.busy.start(`正在读取“${name}”（${i + 1} / ${names.length} 张表）…`);
      await yieldToUi();
      const snap = await ctx.host.readSheet(name);
      const m = detectLedger(snap.values, snap.name, snap.firstRow, snap.firstCol);
      if (!m) {
        const partial = nearestLedger(snap.values.slice(0, HEADER_SEARCH_ROWS), snap.name, snap.firstRow, snap.firstCol);
        if (partial) skipped.push(partialLedgerBox(name, partial));
        continue;
      }
      outcomes.push(await validateSnapshot(snap, `“${name}”（${i + 1} / ${names.length} 张表）`));
    }
    results = { outcomes, all: true, asOf: ctx.today() };
    renderResults(skipped);
    const n = outcomes.reduce((k, o) => k + o.issues.length, 0);
    if (outcomes.length === 0) showNotice(notice, "error", "工作簿中没有可识别的台账，没有校验。");
    else if (skipped.length > 0) showNotice(notice, "error", `已校验 ${outcomes.length} 个台账；另有 ${skipped.length} 张表表头不全，未能识别，见上方红色说明。`);
    else showNotice(notice, n ? "info" : "success", n ? `已校验全部 ${outcomes.length} 个台账，工作簿未改动。` : `已校验全部 ${outcomes.length} 个台账，没有发现问题。`);
  }

  function renderResults(skipped: readonly HTMLElement[]): void {
    if (!results) return;
    const perSheet = results.all
      ? el(
          "table",
          { class: "grid-table sheet-counts", attrs: { id: "validate-sheets" } },
          [
            el("thead", {}, [el("tr", {}, [el("th", { text: "台账" }), el("th", { class: "num", text: "行数" }), el("th", { class: "num", text: "错误" }), el("th", { class: "num", text: "警告" })])]),
            el(
              "tbody",
              {},
              results.outcomes.map((o) => {
                const e = o.issues.filter((i) => i.severity === "error").length;
                return el("tr", { attrs: { "data-sheet": o.sheet } }, [
                  el("td", { text: o.sheet }),
                  el("td", { class: "num", text: formatCount(o.rows) }),
                  el("td", { class: "num", text: formatCount(e) }),
                  el("td", { class: "num", text: formatCount(o.issues.length - e) }),
                ]);
              }),
            ),
          ],
        )
      : null;
    const found = issues();
    const errors = found.filter((i) => i.severity === "error").length;
    const groups = groupByRow(found);
    replaceChildren(summary, [
      ...skipped,
      el("span", { class: "badge badge-error", text: `错误 ${formatCount(errors)}`, attrs: { "data-count": "error" } }),
      el("span", { class: "badge badge-warning", text: `警告 ${formatCount(found.length - errors)}`, attrs: { "data-count": "warning" } }),
      el("span", { class: "muted", text: `共 ${formatCount(results.outcomes.reduce((n, o) => n + o.rows, 0))} 行，涉及 ${formatCount(groups.length)} 行` }),
      perSheet,
    ]);
    filter.update(
      countBy(found, (i) => [{ key: i.field || "表头", label: i.field || "表头" }]),
      found.length,
    );
    renderList();
  }

  function renderList(): void {
    const key = filter.value();
    const shown = issues().filter((i) => key === "" || (i.field || "表头") === key);
    replaceChildren(list);
    renderGroups(groupByRow(shown), 0);
  }

  function renderGroups(groups: IssueGroup[], from: number): void {
    const end = Math.min(groups.length, from + GROUPS_SHOWN);
    const many = (results?.outcomes.length ?? 0) > 1;
    for (let i = from; i < end; i++) list.appendChild(groupElement(groups[i], many));
    if (end < groups.length) {
      const more = el("button", { class: "btn btn-link", text: `显示更多（还有 ${groups.length - end} 行）`, attrs: { type: "button" } });
      more.addEventListener("click", () => {
        more.remove();
        renderGroups(groups, end);
      });
      list.appendChild(more);
    }
  }

  const select = (ref: CellRef) => void runAction([], notice, () => ctx.host.select(ref.sheet, ref.row, Math.max(1, ref.col)));

  function groupElement(g: IssueGroup, withSheet: boolean): HTMLElement {
    const errors = g.issues.filter((i) => i.severity === "error").length;
    const warnings = g.issues.length - errors;
    return el("div", { class: "row-group", attrs: { "data-row": String(g.row), "data-sheet": g.sheet } }, [
      el("div", { class: "row-head" }, [
        el("span", { text: (withSheet ? `${g.sheet} · ` : "") + (g.row > 0 ? `第 ${g.row} 行` : "整表") }),
        errors ? el("span", { class: "badge badge-error", text: String(errors), title: "错误" }) : null,
        warnings ? el("span", { class: "badge badge-warning", text: String(warnings), title: "警告" }) : null,
      ]),
      el(
        "ul",
        {},
        // A missing column is about the header row: clicking shows its first cell.
        g.issues.map((issue) => el("li", {}, [cellButton(issueRef(issue), select)])),
      ),
    ]);
  }

  async function mark(): Promise<void> {
    if (!results) return;
    const plan = markPlan(results.outcomes);
    await applyEdits(ctx, plan.edits, bar.busy);
    const n = new Set(issues().filter((i) => i.col > 0).map((i) => `${i.sheet}\u0001${i.row}:${i.col}`)).size;
    showNotice(notice, "success", `已标记 ${formatCount(n)} 个问题单元格（红色为错误，黄色为警告，批注以【KJ】开头）。可点“清除标记”撤掉。`);
  }

  async function exportList(): Promise<void> {
    if (!results) return;
    const wb = await readWorkbook(ctx.host);
    const plan = issueListPlan(wb, results.outcomes, results.asOf);
    await applyEdits(ctx, plan.edits, bar.busy);
    const open = el("button", { class: "btn btn-link", text: `查看“${ISSUE_LIST_SHEET}”`, attrs: { type: "button", id: "validate-open-list" } });
    open.addEventListener("click", () => void runAction([], notice, () => ctx.host.select(ISSUE_LIST_SHEET, 1, 1)));
    showNotice(notice, "success", `已${plan.text.replace(/。$/, "")}；台账未改动。`, open);
  }

  async function clearMarks(): Promise<void> {
    const sheets = results ? results.outcomes.map((o) => o.sheet) : [sheetSelect.value];
    await applyEdits(ctx, clearMarksEdits(sheets), bar.busy);
    showNotice(notice, "success", `已清除本加载项在${sheets.map((s) => `“${s}”`).join("、")}上的标记，原有的填充色和批注保持不变。`);
  }

  const run = actionRunner(buttons, notice, bar.busy, settle);
  runButton.addEventListener("click", run("正在读取工作表…", validate));
  allButton.addEventListener("click", run("正在读取工作簿…", validateAll));
  markButton.addEventListener("click", run("正在写入标记…", mark));
  exportButton.addEventListener("click", run("正在写入问题清单…", exportList));
  clearButton.addEventListener("click", run("正在清除标记…", clearMarks));
  reloadButton.addEventListener("click", run("正在读取工作表列表…", loadSheets));
  sheetSelect.addEventListener(
    "change",
    run("正在读取表头…", async () => {
      clearResults();
      showNotice(notice, "info", "");
      await describeSheet();
    }),
  );
  settle();

  return {
    title: "校验台账",
    id: "validate",
    root,
    shown: () => run.now("正在读取工作表列表…", loadSheets),
  };
}

interface IssueGroup {
  sheet: string;
  row: number;
  issues: Issue[];
}

/** Issues grouped by sheet (in the order met) and row, rows in order; issues about the whole sheet (row 0) first. */
export function groupByRow(issues: readonly Issue[]): IssueGroup[] {
  const sheets: string[] = [];
  const bySheet = new Map<string, Map<number, Issue[]>>();
  for (const i of issues) {
    let rows = bySheet.get(i.sheet);
    if (!rows) {
      rows = new Map();
      bySheet.set(i.sheet, rows);
      sheets.push(i.sheet);
    }
    const list = rows.get(i.row) ?? [];
    list.push(i);
    rows.set(i.row, list);
  }
  return sheets.flatMap((sheet) =>
    [...(bySheet.get(sheet) as Map<number, Issue[]>).entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([row, list]) => ({ sheet, row, issues: [...list].sort((a, b) => a.col - b.col) })),
  );
}
