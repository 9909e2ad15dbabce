/**
 * 动态管理 (计划 二（一）3): suggestions to move enterprises out of the pool, with every
 * reason; write them into the add-in's own columns, move chosen rows to 调出记录, undo.
 */
import { WorkbookSnapshot, readWorkbook } from "../../src/host/port";
import { oneAtATime, Page, PaneContext, runAction, showNotice, UserMessage } from "../context";
import { el, replaceChildren } from "../dom";
import { planUpkeepView, removalEdits, undoRemovalEdits, UndoToken, upkeepRulesHint, UpkeepSuggestion } from "../jobs";
import { asOfInput, BAD_DATE_MESSAGE, startOfYear } from "./dates";

export function createUpkeepPage(ctx: PaneContext): Page {
  const asOf = asOfInput("upkeep-asof", ctx.today());
  const yearStartButton = el("button", { class: "btn", text: "年初更新", title: "基准日期设为今年 1 月 1 日并刷新", attrs: { id: "upkeep-year-start", type: "button" } });
  const refreshButton = el("button", { class: "btn btn-primary", text: "刷新建议", attrs: { id: "upkeep-refresh", type: "button" } });
  const writeButton = el("button", { class: "btn", text: "写入建议", title: "写入“建议调出”“调出原因”两列（加在台账右侧）", attrs: { id: "upkeep-write", type: "button" } });
  const removeButton = el("button", { class: "btn", text: "移出培育库", title: "把勾选的企业移到“调出记录”表", attrs: { id: "upkeep-remove", type: "button" } });
  const undoButton = el("button", { class: "btn", text: "撤销", title: "撤销上一次移出", attrs: { id: "upkeep-undo", type: "button" } });
  const selectAll = el("input", { attrs: { type: "checkbox", id: "upkeep-all", "aria-label": "全选" } });
  const notice = el("div", { class: "notice", attrs: { id: "upkeep-notice" } });
  notice.hidden = true;
  const summary = el("div", { class: "summary", attrs: { id: "upkeep-summary" } });
  const list = el("div", { class: "suggestion-list", attrs: { id: "upkeep-list" } });

  const root = el("section", { class: "page", attrs: { id: "page-upkeep", "aria-label": "动态管理" } }, [
    el("div", { class: "field-row" }, [asOf.element, yearStartButton]),
    el("p", { class: "hint", text: upkeepRulesHint() }),
    el("div", { class: "button-row" }, [refreshButton, writeButton]),
    notice,
    summary,
    list,
    el("div", { class: "button-row" }, [removeButton, undoButton]),
  ]);

  let suggestions: UpkeepSuggestion[] = [];
  const chosen = new Set<string>();
  const undoStack: UndoToken[] = [];
  /** 调出记录 holds a batch that can still be put back (e.g. removed in an earlier session). */
  let archiveUndoable = false;
  const buttons = [refreshButton, writeButton, removeButton, undoButton, yearStartButton];

  function settle(): void {
    writeButton.disabled = suggestions.length === 0;
    removeButton.disabled = chosen.size === 0;
    removeButton.textContent = chosen.size ? `移出培育库（${chosen.size} 家）` : "移出培育库";
    undoButton.disabled = undoStack.length === 0 && !archiveUndoable;
    selectAll.checked = suggestions.length > 0 && chosen.size === suggestions.length;
  }

  function requireDate(): number {
    const day = asOf.value();
    if (day === null) throw new UserMessage(BAD_DATE_MESSAGE);
    return day;
  }

  async function plan(): Promise<{ wb: WorkbookSnapshot; day: number }> {
    const day = requireDate();
    const wb = await readWorkbook(ctx.host);
    const view = planUpkeepView(wb, day);
    suggestions = view.suggestions;
    const keys = new Set(suggestions.map((s) => s.key));
    for (const k of [...chosen]) if (!keys.has(k)) chosen.delete(k);
    renderList(view.enterprises, view.notes);
    archiveUndoable = undoRemovalEdits(wb, null, day).restored > 0;
    return { wb, day };
  }

  function renderList(enterprises: number, notes: readonly string[]): void {
    replaceChildren(summary, [
      el("span", { class: "badge badge-suggestion", text: `建议调出 ${suggestions.length}`, attrs: { id: "upkeep-count" } }),
      el("span", { class: "muted", text: `培育库企业 ${enterprises} 家` }),
      ...notes.map((n) => el("p", { class: "hint", text: n })),
    ]);
    if (suggestions.length === 0) {
      replaceChildren(list, [el("p", { class: "empty", text: "按此基准日期没有需要调出的企业。" })]);
      return;
    }
    replaceChildren(list, [
      el("label", { class: "select-all" }, [selectAll, "全选"]),
      el(
        "ul",
        {},
        suggestions.map((s) => {
          const box = el("input", { attrs: { type: "checkbox", "data-key": s.key, "aria-label": `选择 ${s.name}` } });
          box.checked = chosen.has(s.key);
          box.addEventListener("change", () => {
            if (box.checked) chosen.add(s.key);
            else chosen.delete(s.key);
            settle();
          });
          const locate = el("button", { class: "btn btn-link", text: `${s.sheet} 第 ${s.row} 行`, attrs: { type: "button" } });
          locate.addEventListener("click", () => void runAction([], notice, () => ctx.host.select(s.sheet, s.row, 1)));
          return el("li", { class: "suggestion", attrs: { "data-row": String(s.row), "data-sheet": s.sheet } }, [
            el("label", { class: "suggestion-head" }, [box, el("strong", { text: s.name || "（未填写名称）" }), s.classification ? el("span", { class: "tag", text: s.classification }) : null]),
            el("div", { class: "muted" }, [s.uscc ? `${s.uscc} · ` : "", locate]),
            el("ul", { class: "reasons" }, s.reasons.map((r) => el("li", { text: r.text, title: r.cite }))),
          ]);
        }),
      ),
    ]);
  }

  selectAll.addEventListener("change", () => {
    chosen.clear();
    if (selectAll.checked) for (const s of suggestions) chosen.add(s.key);
    for (const box of list.querySelectorAll<HTMLInputElement>("input[data-key]")) box.checked = selectAll.checked;
    settle();
  });

  async function refresh(): Promise<void> {
    showNotice(notice, "info", "");
    await plan();
    showNotice(notice, "info", `已按 ${asOf.input.value} 刷新：建议调出 ${suggestions.length} 家。`);
  }

  async function write(): Promise<void> {
    const day = requireDate();
    const wb = await readWorkbook(ctx.host);
    const view = planUpkeepView(wb, day);
    await ctx.host.apply(view.writeEdits);
    ctx.changed();
    suggestions = view.suggestions;
    renderList(view.enterprises, view.notes);
    showNotice(notice, "success", `已在台账右侧写入“建议调出”和“调出原因”（${view.suggestions.length} 家），原有内容未改动。`);
  }

  async function remove(): Promise<void> {
    const day = requireDate();
    const wb = await readWorkbook(ctx.host);
    const picked = planUpkeepView(wb, day).suggestions.filter((s) => chosen.has(s.key));
    if (picked.length !== chosen.size) throw new UserMessage("台账在刷新建议之后有改动，请先点“刷新建议”再选择要移出的企业。");
    const result = removalEdits(wb, picked, day);
    if (result.moved === 0 || !result.undo) throw new UserMessage(result.skipped.join("；") || "没有可移出的企业。");
    await ctx.host.apply(result.edits);
    ctx.changed();
    undoStack.push(result.undo);
    chosen.clear();
    await plan();
    const skipped = result.skipped.length ? `另有 ${result.skipped.length} 行未处理：${result.skipped.join("；")}` : "";
    showNotice(notice, "success", `已把 ${result.moved} 家企业移到“调出记录”表（附调出原因和日期），可点“撤销”放回原处。${skipped}`);
  }

  async function undo(): Promise<void> {
    const token = undoStack[undoStack.length - 1] ?? null;
    const wb = await readWorkbook(ctx.host);
    const result = undoRemovalEdits(wb, token, requireDate());
    if (result.restored === 0) {
      undoStack.pop();
      archiveUndoable = false;
      throw new UserMessage(result.notes.join("；") || "这批企业已经放回，无需再撤销。");
    }
    await ctx.host.apply(result.edits);
    undoStack.pop();
    ctx.changed();
    await plan();
    showNotice(notice, "success", `已撤销：${result.restored} 家企业放回培育库原来的行。`);
  }

  const guarded = oneAtATime(buttons, notice, settle);
  refreshButton.addEventListener("click", guarded(refresh));
  writeButton.addEventListener("click", guarded(write));
  removeButton.addEventListener("click", guarded(remove));
  undoButton.addEventListener("click", guarded(undo));
  yearStartButton.addEventListener(
    "click",
    guarded(async () => {
      asOf.set(startOfYear(ctx.today()));
      await refresh();
    }),
  );
  settle();

  return { title: "动态管理", id: "upkeep", root, shown: () => undefined };
}
