/**
 * 目标完成情况 (计划 一, 二（三）): writes or updates the attainment sheet from the workbook's
 * ledgers and shows every indicator with a completion bar.
 */
import { readWorkbook } from "../../src/host/port";
import { oneAtATime, Page, PaneContext, runAction, showNotice, UserMessage } from "../context";
import { el, replaceChildren } from "../dom";
import { IndicatorView, targetsCountingHint, targetsView } from "../jobs";
import { asOfInput, BAD_DATE_MESSAGE } from "./dates";

export function createTargetsPage(ctx: PaneContext): Page {
  const asOf = asOfInput("targets-asof", ctx.today());
  const runButton = el("button", { class: "btn btn-primary", text: "生成/更新", title: "生成或就地更新“目标完成情况”工作表", attrs: { id: "targets-run", type: "button" } });
  const notice = el("div", { class: "notice", attrs: { id: "targets-notice" } });
  notice.hidden = true;
  const missing = el("div", { attrs: { id: "targets-missing" } });
  const table = el("div", { attrs: { id: "targets-table" } });

  const root = el("section", { class: "page", attrs: { id: "page-targets", "aria-label": "目标完成情况" } }, [
    asOf.element,
    el("p", { class: "hint", text: targetsCountingHint() }),
    el("div", { class: "button-row" }, [runButton]),
    notice,
    missing,
    table,
  ]);

  async function generate(): Promise<void> {
    const day = asOf.value();
    if (day === null) throw new UserMessage(BAD_DATE_MESSAGE);
    const wb = await readWorkbook(ctx.host);
    const view = targetsView(wb, day);
    await ctx.host.apply(view.edits);
    ctx.changed();
    replaceChildren(
      missing,
      view.missingLedgers.length
        ? [el("p", { class: "notice notice-error", text: `工作簿中没有这些台账，相关指标无法统计：${view.missingLedgers.join("、")}` })]
        : [],
    );
    replaceChildren(table, [indicatorTable(view.indicators)]);
    const done = view.indicators.filter((i) => i.achieved === true).length;
    showNotice(notice, "success", `已更新“${view.sheet}”工作表：${view.indicators.length} 项指标，已达成 ${done} 项。`);
    const sheetLink = el("button", { class: "btn btn-link", text: `查看“${view.sheet}”`, attrs: { type: "button", id: "targets-open" } });
    sheetLink.addEventListener("click", () => void runAction([], notice, () => ctx.host.select(view.sheet, 1, 1)));
    notice.appendChild(sheetLink);
  }

  runButton.addEventListener("click", oneAtATime([runButton], notice)(generate));

  return { title: "目标完成情况", id: "targets", root, shown: () => undefined };
}

function indicatorTable(indicators: readonly IndicatorView[]): HTMLElement {
  return el("table", { class: "grid-table indicators" }, [
    el("thead", {}, [
      el("tr", {}, [el("th", { text: "指标" }), el("th", { text: "目标" }), el("th", { text: "实际" }), el("th", { text: "完成率" }), el("th", { text: "状态" })]),
    ]),
    el(
      "tbody",
      {},
      indicators.map((i) => {
        const pct = i.completion === null ? null : Math.round(i.completion * 1000) / 10;
        const fill = el("span", { class: `bar-fill ${i.achieved ? "bar-done" : ""}` });
        fill.style.width = `${Math.max(0, Math.min(100, pct ?? 0))}%`;
        const status = i.status;
        return el("tr", { attrs: { "data-key": i.key } }, [
          el("td", { text: i.name, title: i.rule }),
          el("td", { class: "num", text: `${i.target}${i.unit}` }),
          el("td", { class: "num", text: i.actual === null ? "—" : String(i.actual) }),
          el("td", { class: "bar-cell" }, [
            el("span", { class: "bar", attrs: { role: "img", "aria-label": pct === null ? "无法统计" : `完成 ${pct}%` } }, [fill]),
            el("span", { class: "bar-text", text: pct === null ? "—" : `${pct}%` }),
          ]),
          el("td", { class: `status status-${i.achieved === null ? "unknown" : i.achieved ? "done" : "todo"}`, text: status }),
        ]);
      }),
    ),
  ]);
}
