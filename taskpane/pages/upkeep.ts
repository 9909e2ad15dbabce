/**
 * 动态管理 (计划 二（一）3): opens on the suggestions for the as-of date, each with every reason
 * and its citation, filterable by reason; the clerk chooses rows and 移出培育库 asks first with
 * the list of names, moves them to 调出记录 and leaves a 刚移出 list linked there, with 撤销 in
 * the action bar. 写入工作簿 writes the suggestions and reminders into the add-in's own three columns.
 * Other lists of the same shape (提醒) render beside the suggestions from the view's `lists`.
 */
import { readWorkbook } from "../../src/host/port";
import { formatCount } from "../../src/format";
import { actionRunner, applyEdits, Page, PaneContext, runAction, showNotice, UserMessage } from "../context";
import { el, replaceChildren } from "../dom";
import {
  ARCHIVE_SHEET,
  archiveRowOf,
  FindingList,
  planUpkeepView,
  removalEdits,
  undoRemovalEdits,
  UndoToken,
  upkeepRulesHint,
  UpkeepItem,
  UpkeepPlanView,
} from "../jobs";
import { actionBar } from "../parts/action-bar";
import { dateField, startOfYear } from "../parts/date-field";
import { CellRef, countBy, filterChips, Filter, unreadableCells } from "../parts/lists";
import { missingLedgerBox } from "../parts/states";

/** A reason's label for the filter: its text without the row's particulars. */
function reasonLabel(text: string): string {
  return text.replace(/（[^）]*）/g, "").replace(/“[^”]*”/g, "“…”").replace(/\s*\d{4}\s*年/g, "当年").trim() || text;
}

export function createUpkeepPage(ctx: PaneContext): Page {
  const asOf = dateField("upkeep-asof", ctx.today(), () => void run.now("正在重新计算…", refresh));
  const yearStartButton = el("button", { class: "btn", text: "年初更新", title: "基准日期设为今年 1 月 1 日并刷新", attrs: { id: "upkeep-year-start", type: "button" } });
  const refreshButton = el("button", { class: "btn", text: "刷新", title: "按基准日期重新读取台账、计算建议（不写入）", attrs: { id: "upkeep-refresh", type: "button" } });
  const basis = el("p", { class: "basis", attrs: { id: "upkeep-basis" } });
  const state = el("div", { attrs: { id: "upkeep-state" } });
  const summary = el("div", { class: "summary", attrs: { id: "upkeep-summary" } });
  const removed = el("div", { attrs: { id: "upkeep-removed" } });
  const listsBox = el("div", { class: "finding-lists", attrs: { id: "upkeep-lists" } });

  const removeButton = el("button", { class: "btn btn-primary", text: "移出培育库", title: "把勾选的企业移到“调出记录”表（先确认，可撤销）", attrs: { id: "upkeep-remove", type: "button" } });
  const writeButton = el("button", { class: "btn", text: "写入工作簿", title: "在台账右侧写入“建议调出”“调出原因”“提醒”三列", attrs: { id: "upkeep-write", type: "button" } });
  const undoButton = el("button", { class: "btn", text: "撤销上次移出", title: "把最近一批移出的企业放回原来的行", attrs: { id: "upkeep-undo", type: "button" } });
  const notice = el("div", { class: "notice", attrs: { id: "upkeep-notice" } });
  notice.hidden = true;
  const bar = actionBar("upkeep", [removeButton, writeButton, undoButton], notice);

  const root = el("section", { class: "page", attrs: { id: "page-upkeep", "aria-label": "动态管理" } }, [
    el("div", { class: "page-body" }, [
      asOf.element,
      el("div", { class: "button-row" }, [refreshButton, yearStartButton]),
      basis,
      el("p", { class: "hint", text: upkeepRulesHint() }),
      state,
      summary,
      removed,
      listsBox,
    ]),
    bar.root,
  ]);

  let view: UpkeepPlanView | null = null;
  const chosen = new Set<string>();
  const filters = new Map<string, Filter>();
  /** Each list's redraw, for its filter: the latest render's (a refresh renders the lists anew). */
  const redraws = new Map<string, () => void>();
  const undoStack: UndoToken[] = [];
  /** 调出记录 holds a batch that can still be put back (e.g. removed in an earlier session). */
  let archiveUndoable = false;
  const buttons = [refreshButton, writeButton, removeButton, undoButton, yearStartButton];

  function removable(): UpkeepItem[] {
    return view ? view.lists.filter((l) => l.removable).flatMap((l) => l.items) : [];
  }

  function settle(): void {
    const items = removable();
    writeButton.disabled = !view?.write;
    removeButton.disabled = chosen.size === 0;
    removeButton.textContent = chosen.size ? `移出培育库（${chosen.size} 家）` : "移出培育库";
    undoButton.disabled = undoStack.length === 0 && !archiveUndoable;
    if (!view) {
      bar.setStatus(["正在读取台账…"]);
      bar.setWrite(null);
      return;
    }
    if (view.sheets.length === 0) {
      bar.setStatus([el("span", { class: "status-bad", text: "没有企业培育库台账，无法给出建议。" })]);
      bar.setWrite(null);
      return;
    }
    bar.setStatus([
      el("span", { class: "badge badge-suggestion", text: `建议调出 ${formatCount(items.length)} 家`, attrs: { id: "upkeep-count" } }),
      " ",
      el("span", { text: chosen.size ? `已选 ${chosen.size} 家` : "勾选要移出的企业", attrs: { id: "upkeep-chosen" } }),
    ]);
    bar.setWrite(view.write?.text ?? null);
  }

  async function plan(): Promise<void> {
    const day = asOf.value();
    const wb = await readWorkbook(ctx.host);
    view = planUpkeepView(wb, day);
    const keys = new Set(removable().map((s) => s.key));
    for (const k of [...chosen]) if (!keys.has(k)) chosen.delete(k);
    archiveUndoable = undoRemovalEdits(wb, null, day).restored > 0;
    render();
  }

  const select = (ref: CellRef) => void runAction([], notice, () => ctx.host.select(ref.sheet, ref.row, Math.max(1, ref.col)));

  function render(): void {
    if (!view) return;
    replaceChildren(basis, ["依据：", el("span", { class: "basis-title", text: `《${view.policy.title}》` }), "，每条原因后注明条款。"]);
    if (view.sheets.length === 0) {
      replaceChildren(state, [missingLedgerBox("enterprise", view.partials, "无法给出调出建议。", "upkeep-empty")]);
      replaceChildren(summary);
      replaceChildren(listsBox);
      return;
    }
    replaceChildren(state);
    replaceChildren(summary, [
      el("span", { class: "muted", text: `培育库企业 ${formatCount(view.enterprises)} 家（${view.sheets.map((s) => `“${s.sheet}”`).join("、")}）` }),
      ...view.notes.map((n) => el("p", { class: "hint", text: n })),
      unreadableCells("upkeep-unreadable", view.unreadable, "相关调出条件未作判断", select),
    ]);
    replaceChildren(listsBox, view.lists.map(listSection));
  }

  function listSection(list: FindingList): HTMLElement {
    let filter = filters.get(list.id);
    if (!filter) {
      filter = filterChips(`upkeep-filter-${list.id}`, "按原因筛选", () => redraws.get(list.id)?.());
      filters.set(list.id, filter);
    }
    const f = filter;
    f.update(
      countBy(list.items, (it) => it.reasons.map((r) => ({ key: r.code, label: reasonLabel(r.text) }))),
      list.items.length,
    );
    const ul = el("ul", { class: "suggestion-list", attrs: { id: `upkeep-list-${list.id}` } });
    const selectAll = el("input", { attrs: { type: "checkbox", id: `upkeep-all-${list.id}` } });
    const selectAllLabel = el("label", { class: "select-all", attrs: { for: `upkeep-all-${list.id}` } }, [selectAll, el("span", { attrs: { id: `upkeep-all-text-${list.id}` } })]);
    const visible = () => list.items.filter((it) => f.value() === "" || it.reasons.some((r) => r.code === f.value()));
    const syncAll = () => {
      const shown = visible();
      selectAll.checked = shown.length > 0 && shown.every((s) => chosen.has(s.key));
      const text = selectAllLabel.querySelector("span");
      if (text) text.textContent = f.value() === "" ? `全选（${shown.length} 家）` : `全选筛出的 ${shown.length} 家`;
    };
    selectAll.addEventListener("change", () => {
      for (const s of visible()) {
        if (selectAll.checked) chosen.add(s.key);
        else chosen.delete(s.key);
      }
      for (const box of ul.querySelectorAll<HTMLInputElement>("input[data-key]")) box.checked = chosen.has(box.dataset.key ?? "");
      settle();
    });
    function redraw(): void {
      replaceChildren(ul, visible().map((s) => itemElement(s, list.removable, syncAll)));
      syncAll();
    }
    redraws.set(list.id, redraw);
    redraw();
    return el("section", { class: "finding-list", attrs: { id: `upkeep-${list.id}`, "aria-label": list.title } }, [
      el("h3", {}, [list.title, el("span", { class: "muted", text: `（${formatCount(list.items.length)} 家）` })]),
      el("p", { class: "hint", text: list.description }),
      list.items.length === 0 ? el("p", { class: "empty", text: list.emptyText }) : null,
      f.root,
      list.removable && list.items.length > 0 ? selectAllLabel : null,
      ul,
    ]);
  }

  function itemElement(s: UpkeepItem, removableItem: boolean, changed: () => void): HTMLElement {
    const head: (Node | null)[] = [el("strong", { class: "item-name", text: s.name || "（未填写名称）" }), s.classification ? el("span", { class: "tag", text: s.classification }) : null];
    let box: HTMLInputElement | null = null;
    if (removableItem) {
      box = el("input", { attrs: { type: "checkbox", "data-key": s.key, "aria-label": `选择 ${s.name}` } });
      box.checked = chosen.has(s.key);
      const b = box;
      box.addEventListener("change", () => {
        if (b.checked) chosen.add(s.key);
        else chosen.delete(s.key);
        changed();
        settle();
      });
    }
    const locate = el("button", { class: "btn btn-link", text: `${s.sheet} 第 ${s.row} 行`, attrs: { type: "button" } });
    locate.addEventListener("click", () => select({ sheet: s.sheet, row: s.row, col: 1, where: "", label: "", message: "", severity: "warning" }));
    return el("li", { class: "suggestion", attrs: { "data-row": String(s.row), "data-sheet": s.sheet } }, [
      el("label", { class: "suggestion-head" }, box ? [box, ...head] : head),
      el("div", { class: "muted" }, [s.uscc ? `${s.uscc} · ` : "", locate]),
      el(
        "ul",
        { class: "reasons" },
        s.reasons.map((r) => el("li", { attrs: { "data-code": r.code } }, [el("span", { class: "reason-text", text: r.text }), el("span", { class: "cite", text: ` · ${r.cite}` })])),
      ),
    ]);
  }

  async function refresh(): Promise<void> {
    showNotice(notice, "info", "");
    await plan();
  }

  async function write(): Promise<void> {
    const day = asOf.value();
    const wb = await readWorkbook(ctx.host);
    const fresh = planUpkeepView(wb, day);
    if (!fresh.write) throw new UserMessage("工作簿中没有企业培育库台账，没有可写入的内容。");
    await applyEdits(ctx, fresh.write.edits, bar.busy);
    view = fresh;
    render();
    showNotice(notice, "success", `已${fresh.write.text.replace(/。$/, "")}。`);
  }

  async function remove(): Promise<void> {
    const day = asOf.value();
    const wb = await readWorkbook(ctx.host);
    const picked = planUpkeepView(wb, day).lists.filter((l) => l.removable).flatMap((l) => l.items).filter((s) => chosen.has(s.key));
    if (picked.length !== chosen.size) throw new UserMessage("台账在列出建议之后有改动，请先点“刷新”再选择要移出的企业。");
    const sheet = picked[0]?.sheet ?? "";
    bar.busy.stop();
    const ok = await bar.confirm({
      question: `把以下 ${picked.length} 家企业从“${sheet}”移到“${ARCHIVE_SHEET}”？`,
      items: picked.map((s) => `${s.name || "（未填写名称）"}（第 ${s.row} 行：${s.reasons.map((r) => r.text).join("；")}）`),
      note: `整行连同格式、批注移到“${ARCHIVE_SHEET}”，附调出原因和日期；可点“撤销上次移出”放回原处。`,
      confirmText: `确认移出 ${picked.length} 家`,
    });
    if (!ok) {
      showNotice(notice, "info", "已取消，没有移出任何企业。");
      return;
    }
    bar.busy.start("正在移出…");
    const result = removalEdits(wb, picked, day);
    if (result.moved.length === 0 || !result.undo) throw new UserMessage(result.skipped.join("；") || "没有可移出的企业。");
    await applyEdits(ctx, result.edits, bar.busy);
    undoStack.push(result.undo);
    chosen.clear();
    const archive = await ctx.host.readSheet(ARCHIVE_SHEET);
    showRemoved(result.moved.map((m) => m.name), archiveRowOf(archive, result.undo.batchId));
    await plan();
    const skipped = result.skipped.length ? `另有 ${result.skipped.length} 行未处理：${result.skipped.join("；")}` : "";
    showNotice(notice, "success", `已把 ${result.moved.length} 家企业移到“${ARCHIVE_SHEET}”表（附调出原因和日期），可点“撤销上次移出”放回原处。${skipped}`);
  }

  function showRemoved(names: readonly string[], archiveRow: number | null): void {
    const link = el("button", { class: "btn btn-link", text: `查看“${ARCHIVE_SHEET}”`, attrs: { type: "button", id: "upkeep-open-archive" } });
    link.addEventListener("click", () => void runAction([], notice, () => ctx.host.select(ARCHIVE_SHEET, archiveRow ?? 1, 1)));
    replaceChildren(removed, [
      el("div", { class: "state state-info", attrs: { id: "upkeep-just-removed" } }, [
        el("p", { class: "state-title" }, [`刚移出 ${names.length} 家`, link]),
        el("ul", { class: "removed-names" }, names.map((n) => el("li", { text: n || "（未填写名称）" }))),
      ]),
    ]);
  }

  async function undo(): Promise<void> {
    const token = undoStack[undoStack.length - 1] ?? null;
    const wb = await readWorkbook(ctx.host);
    const result = undoRemovalEdits(wb, token, asOf.value());
    if (result.restored === 0) {
      undoStack.pop();
      archiveUndoable = false;
      throw new UserMessage(result.notes.join("；") || "这批企业已经放回，无需再撤销。");
    }
    await applyEdits(ctx, result.edits, bar.busy);
    undoStack.pop();
    replaceChildren(removed);
    await plan();
    showNotice(notice, "success", `已撤销：${result.restored} 家企业放回培育库原来的行。`);
  }

  const run = actionRunner(buttons, notice, bar.busy, settle);
  refreshButton.addEventListener("click", run("正在读取台账…", refresh));
  writeButton.addEventListener("click", run("正在写入建议…", write));
  removeButton.addEventListener("click", run("正在读取台账…", remove));
  undoButton.addEventListener("click", run("正在撤销…", undo));
  yearStartButton.addEventListener(
    "click",
    run("正在读取台账…", async () => {
      asOf.set(startOfYear(ctx.today()));
      await refresh();
    }),
  );
  settle();

  return { title: "动态管理", id: "upkeep", root, shown: () => run.now("正在读取台账…", refresh) };
}
