/**
 * 目标完成情况 (计划 一, 二（三）): opens on every indicator counted from the workbook's ledgers
 * on the as-of date (a preview: nothing written), each with its clause, with the plan named
 * as text; 写入工作簿 then writes or updates the attainment sheet. With no ledger at all
 * nothing is counted, nothing can be written, and the page says which ledgers it needs.
 */
import { readWorkbook } from "../../src/host/port";
import { formatCount, formatPercent } from "../../src/format";
import { actionRunner, applyEdits, Page, PaneContext, runAction, showNotice, UserMessage } from "../context";
import { el, replaceChildren } from "../dom";
import { IndicatorView, targetsCountingHint, targetsView, TargetsView } from "../jobs";
import { actionBar } from "../parts/action-bar";
import { dateField, parseDayText } from "../parts/date-field";
import { CellRef, unreadableCells } from "../parts/lists";
import { missingLedgerBox, stateBox } from "../parts/states";

export function createTargetsPage(ctx: PaneContext): Page {
  const asOf = dateField("targets-asof", ctx.today(), () => void run.now("正在重新统计…", refresh));
  const refreshButton = el("button", { class: "btn", text: "刷新", title: "按基准日期重新统计（不写入）", attrs: { id: "targets-refresh", type: "button" } });
  const basis = el("p", { class: "basis", attrs: { id: "targets-basis" } });
  const hint = el("p", { class: "hint", text: targetsCountingHint() });
  const missing = el("div", { attrs: { id: "targets-missing" } });
  const extra = el("div", { attrs: { id: "targets-extra" } });
  const table = el("div", { class: "table-scroll", attrs: { id: "targets-table" } });

  const writeButton = el("button", { class: "btn btn-primary", text: "写入工作簿", title: "生成或就地更新“目标完成情况”工作表", attrs: { id: "targets-write", type: "button" } });
  const openButton = el("button", { class: "btn", text: "查看“目标完成情况”", attrs: { id: "targets-open", type: "button" } });
  openButton.hidden = true;
  const notice = el("div", { class: "notice", attrs: { id: "targets-notice" } });
  notice.hidden = true;
  const bar = actionBar("targets", [writeButton, openButton], notice);

  const root = el("section", { class: "page", attrs: { id: "page-targets", "aria-label": "目标完成情况" } }, [
    el("div", { class: "page-body" }, [
      asOf.element,
      el("div", { class: "button-row" }, [refreshButton]),
      basis,
      hint,
      missing,
      extra,
      table,
    ]),
    bar.root,
  ]);

  let view: TargetsView | null = null;
  const buttons = [writeButton, refreshButton, openButton];

  function settle(): void {
    writeButton.disabled = !view?.write;
    if (!view) {
      bar.setStatus(["正在统计…"]);
      bar.setWrite(null);
      return;
    }
    const counted = view.indicators.filter((i) => i.actual !== null);
    const done = counted.filter((i) => i.achieved === true).length;
    const uncounted = view.indicators.length - counted.length;
    bar.setStatus(
      counted.length === 0
        ? [el("span", { class: "status-bad", text: `${view.indicators.length} 项指标都无法统计：缺少台账。` })]
        : [
            `${view.indicators.length} 项指标：`,
            el("span", { class: "status-done", text: `已达成 ${done} 项` }),
            `，未达成 ${counted.length - done} 项`,
            uncounted ? el("span", { class: "status-bad", text: `，${uncounted} 项无法统计` }) : null,
          ],
    );
    bar.setWrite(view.write?.text ?? null);
  }

  const select = (ref: CellRef) => void runAction([], notice, () => ctx.host.select(ref.sheet, ref.row, Math.max(1, ref.col)));

  async function refresh(): Promise<void> {
    showNotice(notice, "info", "");
    const day = asOf.value();
    view = targetsView(await readWorkbook(ctx.host), day);
    render(view);
  }

  function render(v: TargetsView): void {
    replaceChildren(basis, ["依据：", el("span", { class: "basis-title", text: `《${v.policy.title}》` }), `（${v.policy.from} 至 ${v.policy.to}），评价日期 ${v.asOf}。各指标下注明条款。`]);
    hint.textContent = targetsCountingHint({ from: parseDayText(v.policy.from) ?? 0, to: parseDayText(v.policy.to) ?? 0 });
    replaceChildren(missing, [
      v.missing.length === 0
        ? null
        : v.write === null
          ? stateBox("error", "工作簿中没有可识别的台账，无法统计任何指标，也不会写入“目标完成情况”。", v.missing.map((m) => missingLedgerBox(m.kind, m.partials, "相关指标无法统计。")), "targets-empty")
          : stateBox(
              "error",
              `缺少台账：${v.missing.map((m) => m.title).join("、")}。相关指标标为“缺少台账”，不按 0 计。`,
              v.missing.map((m) => missingLedgerBox(m.kind, m.partials, "相关指标无法统计。")),
              "targets-partial",
            ),
    ]);
    replaceChildren(extra, [unreadableCells("targets-unreadable", v.unreadable, "相应行未计入", select)]);
    replaceChildren(table, [indicatorTable(v.indicators)]);
  }

  async function write(): Promise<void> {
    const day = asOf.value();
    const fresh = targetsView(await readWorkbook(ctx.host), day);
    if (!fresh.write) throw new UserMessage("没有可统计的台账，未写入“目标完成情况”。");
    await applyEdits(ctx, fresh.write.edits, bar.busy);
    view = fresh;
    render(fresh);
    openButton.hidden = false;
    const counted = fresh.indicators.filter((i) => i.actual !== null).length;
    showNotice(
      notice,
      fresh.missing.length ? "info" : "success",
      `已写入“${fresh.sheet}”工作表：${fresh.indicators.length} 项指标，其中 ${counted} 项已统计${fresh.missing.length ? `；缺少台账的 ${fresh.indicators.length - counted} 项写明“缺少台账”` : ""}。`,
    );
  }

  const run = actionRunner(buttons, notice, bar.busy, settle);
  refreshButton.addEventListener("click", run("正在读取台账…", refresh));
  writeButton.addEventListener("click", run("正在统计…", write));
  openButton.addEventListener("click", () => void runAction([], notice, () => ctx.host.select(view?.sheet ?? "目标完成情况", 1, 1)));
  settle();

  return { title: "目标完成情况", id: "targets", root, shown: () => run.now("正在读取台账…", refresh) };
}

function indicatorTable(indicators: readonly IndicatorView[]): HTMLElement {
  return el("table", { class: "grid-table indicators" }, [
    el("thead", {}, [
      el("tr", {}, [el("th", { text: "指标（单位）" }), el("th", { class: "num", text: "目标" }), el("th", { class: "num", text: "实际" }), el("th", { text: "完成率" }), el("th", { text: "状态" })]),
    ]),
    el(
      "tbody",
      {},
      indicators.map((i) => {
        const pct = formatPercent(i.completion);
        const fill = el("span", { class: `bar-fill ${i.achieved ? "bar-done" : ""}` });
        fill.style.width = `${Math.max(0, Math.min(100, (i.completion ?? 0) * 100))}%`;
        return el("tr", { attrs: { "data-key": i.key } }, [
          el("td", {}, [
            el("span", { class: "ind-name", text: i.name }),
            el("span", { class: "unit", text: `（${i.unit}）` }),
            el("span", { class: "cite", text: `${i.kindLabel} · ${i.cite}` }),
            i.note ? el("span", { class: "ind-note", text: i.note }) : null,
          ]),
          el("td", { class: "num", text: formatCount(i.target) }),
          el("td", { class: "num", text: formatCount(i.actual) }),
          el("td", { class: "bar-cell" }, [
            el("span", { class: "bar", attrs: { role: "img", "aria-label": i.completion === null ? "无法统计" : `完成 ${pct}` } }, [fill]),
            el("span", { class: "bar-text", text: pct }),
          ]),
          el("td", { class: `status status-${i.achieved === null ? "unknown" : i.achieved ? "done" : "todo"}`, text: i.status }),
        ]);
      }),
    ),
  ]);
}
