/**
 * 校验台账: pick a sheet, see its ledger kind and column mapping, validate it in chunks
 * (the pane stays responsive on 10,000 rows), list issues grouped by row, jump to a cell,
 * mark and clear marks.
 */
import { MARK_REGISTRY_SHEET } from "../../src/host/marks";
import { SheetSnapshot } from "../../src/host/port";
import { kindDef, LedgerKindDef } from "../../src/ledger/catalogue";
import { ColumnMapping, detectLedger, HEADER_SEARCH_ROWS } from "../../src/ledger/mapping";
import { columnLetter } from "../../src/text";
import { Issue } from "../../src/jobs/types";
import { Edit } from "../../src/host/port";
import { oneAtATime, Page, PaneContext, runAction, showNotice } from "../context";
import { el, replaceChildren, yieldToUi } from "../dom";
import { clearMarksEdits, startValidation } from "../jobs";

/** Rows validated between two yields to the UI. */
export const ROWS_PER_CHUNK = 2000;
/** Row groups rendered at first; the rest behind a "显示更多" button. */
const GROUPS_SHOWN = 200;

interface LastRun {
  sheet: string;
  issues: Issue[];
  markEdits: Edit[];
}

export function createValidatePage(ctx: PaneContext): Page {
  const sheetSelect = el("select", { attrs: { id: "validate-sheet", "aria-label": "工作表" } });
  const reloadButton = el("button", { class: "btn", text: "刷新列表", attrs: { id: "validate-reload", type: "button" } });
  const kindLine = el("p", { class: "kind-line", attrs: { id: "validate-kind" } });
  const mappingBox = el("div", { attrs: { id: "validate-mapping" } });
  const runButton = el("button", { class: "btn btn-primary", text: "校验", attrs: { id: "validate-run", type: "button" } });
  const markButton = el("button", { class: "btn", text: "标记问题单元格", attrs: { id: "validate-mark", type: "button" } });
  const clearButton = el("button", { class: "btn", text: "清除标记", attrs: { id: "validate-clear", type: "button" } });
  const progress = el("progress", { attrs: { id: "validate-progress", max: "1", value: "0" } });
  const progressText = el("span", { class: "progress-text", attrs: { id: "validate-progress-text" } });
  const progressBox = el("div", { class: "progress" }, [progress, progressText]);
  progressBox.hidden = true;
  const notice = el("div", { class: "notice", attrs: { id: "validate-notice" } });
  notice.hidden = true;
  const summary = el("div", { class: "summary", attrs: { id: "validate-summary" } });
  const list = el("div", { class: "issue-list", attrs: { id: "validate-issues" } });

  const root = el("section", { class: "page", attrs: { id: "page-validate", "aria-label": "校验台账" } }, [
    el("div", { class: "field-row" }, [el("label", { text: "工作表", attrs: { for: "validate-sheet" } }), sheetSelect, reloadButton]),
    kindLine,
    mappingBox,
    el("div", { class: "button-row" }, [runButton, markButton, clearButton]),
    progressBox,
    notice,
    summary,
    list,
  ]);

  let mapping: ColumnMapping | null = null;
  let last: LastRun | null = null;
  const buttons = [runButton, markButton, clearButton, reloadButton];

  function settle(): void {
    runButton.disabled = sheetSelect.value === "" || mapping === null;
    markButton.disabled = !last || last.sheet !== sheetSelect.value || last.issues.length === 0;
    clearButton.disabled = sheetSelect.value === "";
  }

  async function loadSheets(): Promise<void> {
    // The hidden mark registry is the add-in's bookkeeping, not something to validate.
    const names = (await ctx.host.listSheets()).filter((n) => n !== MARK_REGISTRY_SHEET);
    const current = sheetSelect.value || (await ctx.host.activeSheet()) || names[0] || "";
    replaceChildren(sheetSelect, names.map((n) => el("option", { text: n, attrs: { value: n } })));
    sheetSelect.value = names.includes(current) ? current : names[0] ?? "";
    await describeSheet();
  }

  /** Reads the chosen sheet once and shows its kind and column mapping. */
  async function describeSheet(): Promise<void> {
    const name = sheetSelect.value;
    mapping = null;
    if (!name) {
      replaceChildren(kindLine, ["工作簿中没有工作表。"]);
      replaceChildren(mappingBox);
      return;
    }
    const snap = await ctx.host.readSheet(name);
    mapping = detectLedger(snap.values, snap.name, snap.firstRow, snap.firstCol);
    renderMapping(snap);
  }

  function renderMapping(snap: SheetSnapshot): void {
    if (!mapping) {
      replaceChildren(kindLine, [`“${snap.name}”不是可识别的台账（前 ${HEADER_SEARCH_ROWS} 行中没有找到台账表头），无需校验。`]);
      replaceChildren(mappingBox);
      return;
    }
    const def = kindDef(mapping.kind);
    const dataRows = Math.max(0, snap.firstRow + snap.values.length - 1 - mapping.headerRow);
    replaceChildren(kindLine, [
      "台账类型：",
      el("strong", { text: def.title }),
      `（表头在第 ${mapping.headerRow} 行，数据 ${dataRows} 行）`,
    ]);
    replaceChildren(mappingBox, [mappingTable(def, mapping)]);
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

  async function validate(): Promise<void> {
    const name = sheetSelect.value;
    showNotice(notice, "info", "");
    const snap = await ctx.host.readSheet(name);
    mapping = detectLedger(snap.values, snap.name, snap.firstRow, snap.firstCol);
    renderMapping(snap);
    if (!mapping) {
      showNotice(notice, "info", "这个工作表不是台账，没有可校验的内容。");
      return;
    }
    const run = startValidation(snap, ctx.today());
    progressBox.hidden = run.total <= ROWS_PER_CHUNK;
    progress.max = Math.max(1, run.total);
    try {
      for (;;) {
        const finished = run.step(ROWS_PER_CHUNK);
        progress.value = run.done();
        progressText.textContent = `已校验 ${run.done()} / ${run.total} 行`;
        if (finished) break;
        await yieldToUi();
      }
    } finally {
      progressBox.hidden = true;
    }
    const outcome = run.finish();
    last = { sheet: name, issues: outcome.issues, markEdits: outcome.markEdits };
    renderIssues(last.issues, run.total);
    showNotice(notice, outcome.issues.length ? "info" : "success", outcome.issues.length ? "校验完成，点击问题可定位到单元格。" : `校验完成：${run.total} 行数据没有发现问题。`);
  }

  function renderIssues(issues: readonly Issue[], rowCount: number): void {
    const errors = issues.filter((i) => i.severity === "error").length;
    const warnings = issues.length - errors;
    const groups = groupByRow(issues);
    replaceChildren(summary, [
      el("span", { class: "badge badge-error", text: `错误 ${errors}`, attrs: { "data-count": "error" } }),
      el("span", { class: "badge badge-warning", text: `警告 ${warnings}`, attrs: { "data-count": "warning" } }),
      el("span", { class: "muted", text: `共 ${rowCount} 行，涉及 ${groups.length} 行` }),
    ]);
    replaceChildren(list);
    renderGroups(groups, 0);
  }

  function renderGroups(groups: IssueGroup[], from: number): void {
    const end = Math.min(groups.length, from + GROUPS_SHOWN);
    for (let i = from; i < end; i++) list.appendChild(groupElement(groups[i]));
    if (end < groups.length) {
      const more = el("button", { class: "btn btn-link", text: `显示更多（还有 ${groups.length - end} 行）`, attrs: { type: "button" } });
      more.addEventListener("click", () => {
        more.remove();
        renderGroups(groups, end);
      });
      list.appendChild(more);
    }
  }

  function groupElement(g: IssueGroup): HTMLElement {
    const errors = g.issues.filter((i) => i.severity === "error").length;
    const warnings = g.issues.length - errors;
    return el("div", { class: "row-group", attrs: { "data-row": String(g.row) } }, [
      el("div", { class: "row-head" }, [
        el("span", { text: g.row > 0 ? `第 ${g.row} 行` : "整表" }),
        errors ? el("span", { class: "badge badge-error", text: String(errors), title: "错误" }) : null,
        warnings ? el("span", { class: "badge badge-warning", text: String(warnings), title: "警告" }) : null,
      ]),
      el(
        "ul",
        {},
        g.issues.map((issue) => el("li", {}, [issueButton(issue)])),
      ),
    ]);
  }

  function issueButton(issue: Issue): HTMLElement {
    const where = issue.col > 0 ? `${issue.column}${issue.row}` : issue.field || "表头";
    const b = el(
      "button",
      {
        class: `issue issue-${issue.severity}`,
        attrs: { type: "button", "data-cell": issue.col > 0 ? `${issue.column}${issue.row}` : "", "data-severity": issue.severity },
      },
      [el("span", { class: "issue-where", text: where }), el("span", { class: "issue-field", text: issue.field }), el("span", { class: "issue-msg", text: issue.message })],
    );
    if (issue.row > 0) {
      // A missing column is about the header row: show its first cell.
      const col = issue.col > 0 ? issue.col : 1;
      b.addEventListener("click", () => {
        void runAction([], notice, () => ctx.host.select(issue.sheet, issue.row, col));
      });
    } else {
      b.disabled = true;
    }
    return b;
  }

  /** Shows the host's write progress (Excel reports it per chunk) while edits are applied. */
  function writeProgress(done: number, total: number): void {
    progressBox.hidden = total < 3 || done >= total;
    progress.max = Math.max(1, total);
    progress.value = done;
    progressText.textContent = `正在写入 ${done} / ${total}`;
  }

  async function mark(): Promise<void> {
    if (!last) return;
    try {
      await ctx.host.apply(last.markEdits, writeProgress);
    } finally {
      progressBox.hidden = true;
    }
    ctx.changed();
    const n = last.issues.filter((i) => i.col > 0).length;
    showNotice(notice, "success", `已标记 ${n} 个问题单元格（红色为错误，黄色为警告，批注以【KJ】开头）。`);
  }

  async function clearMarks(): Promise<void> {
    try {
      await ctx.host.apply(clearMarksEdits(sheetSelect.value), writeProgress);
    } finally {
      progressBox.hidden = true;
    }
    ctx.changed();
    showNotice(notice, "success", "已清除本加载项在此工作表上的标记，原有的填充色和批注保持不变。");
  }

  const guarded = oneAtATime(buttons, notice, settle);
  runButton.addEventListener("click", guarded(validate));
  markButton.addEventListener("click", guarded(mark));
  clearButton.addEventListener("click", guarded(clearMarks));
  reloadButton.addEventListener("click", guarded(loadSheets));
  sheetSelect.addEventListener(
    "change",
    guarded(async () => {
      replaceChildren(summary);
      replaceChildren(list);
      showNotice(notice, "info", "");
      await describeSheet();
    }),
  );
  settle();

  return {
    title: "校验台账",
    id: "validate",
    root,
    shown: guarded(loadSheets),
  };
}

interface IssueGroup {
  row: number;
  issues: Issue[];
}

/** Issues grouped by sheet row, rows in order; issues about the whole sheet (row 0) first. */
export function groupByRow(issues: readonly Issue[]): IssueGroup[] {
  const byRow = new Map<number, Issue[]>();
  for (const i of issues) {
    const list = byRow.get(i.row) ?? [];
    list.push(i);
    byRow.set(i.row, list);
  }
  return [...byRow.entries()].sort((a, b) => a[0] - b[0]).map(([row, list]) => ({ row, issues: list.sort((a, b) => a.col - b.col) }));
}
