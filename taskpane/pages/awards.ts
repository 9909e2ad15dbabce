/**
 * 奖励测算 (计划 二（一）4, 二（二）4, 二（四）3): fills KJ.AWARD formulas into the award ledger
 * and a SUMIFS summary, and shows the totals and the rows that cannot be computed.
 */
import { readWorkbook } from "../../src/host/port";
import { oneAtATime, Page, PaneContext, runAction, showNotice } from "../context";
import { columnLetter } from "../../src/text";
import { el, replaceChildren } from "../dom";
import { awardsView, TotalLine } from "../jobs";

export function createAwardsPage(ctx: PaneContext): Page {
  const runButton = el("button", { class: "btn btn-primary", text: "填充公式", title: "在“奖励金额（万元）”列填入 =KJ.AWARD(...) 公式并写入汇总", attrs: { id: "awards-run", type: "button" } });
  const notice = el("div", { class: "notice", attrs: { id: "awards-notice" } });
  notice.hidden = true;
  const totals = el("div", { attrs: { id: "awards-totals" } });
  const flagged = el("div", { attrs: { id: "awards-flagged" } });

  const root = el("section", { class: "page", attrs: { id: "page-awards", "aria-label": "奖励测算" } }, [
    el("p", { class: "hint", text: "奖励金额由公式 =KJ.AWARD(事项, 认定日期, 计算依据) 计算，汇总用 SUMIFS 公式，台账改动后自动更新。" }),
    el("div", { class: "button-row" }, [runButton]),
    notice,
    totals,
    flagged,
  ]);

  async function fill(): Promise<void> {
    const wb = await readWorkbook(ctx.host);
    const view = awardsView(wb, ctx.today());
    await ctx.host.apply(view.edits);
    ctx.changed();
    replaceChildren(totals, [
      el("p", { class: "total-line" }, ["奖励合计：", el("strong", { text: `${view.total} 万元`, attrs: { id: "awards-total" } }), `（${view.rows} 行）`]),
      totalsTable("按年度", "awards-by-year", view.byYear),
      totalsTable("按奖励事项", "awards-by-item", view.byItem),
      totalsTable("按拨付状态", "awards-by-status", view.byStatus),
    ]);
    replaceChildren(
      flagged,
      view.flagged.length
        ? [
            el("h3", { text: `需要核对的行（${view.flagged.length}）` }),
            el(
              "ul",
              { class: "flag-list" },
              view.flagged.map((f) => {
                const b = el("button", { class: "issue issue-warning", attrs: { type: "button", "data-row": String(f.row) } }, [
                  el("span", { class: "issue-where", text: f.col > 0 ? `${columnLetter(f.col)}${f.row}` : `第 ${f.row} 行` }),
                  el("span", { class: "issue-field", text: f.name }),
                  el("span", { class: "issue-msg", text: f.message }),
                ]);
                b.addEventListener("click", () => void runAction([], notice, () => ctx.host.select(f.sheet, f.row, Math.max(1, f.col))));
                return el("li", {}, [b]);
              }),
            ),
          ]
        : [el("p", { class: "empty", text: "所有行都能算出奖励金额。" })],
    );
    showNotice(
      notice,
      "success",
      `“${view.sheet}”共 ${view.rows} 行，新填入 ${view.formulasWritten} 个 KJ.AWARD 公式（已有的不重复填），并更新了“${view.summarySheet}”汇总表。`,
    );
    const summaryLink = el("button", { class: "btn btn-link", text: `查看“${view.summarySheet}”`, attrs: { type: "button", id: "awards-open" } });
    summaryLink.addEventListener("click", () => void runAction([], notice, () => ctx.host.select(view.summarySheet, 1, 1)));
    notice.appendChild(summaryLink);
  }

  runButton.addEventListener("click", oneAtATime([runButton], notice)(fill));

  return { title: "奖励测算", id: "awards", root, shown: () => undefined };
}

function totalsTable(title: string, id: string, lines: readonly TotalLine[]): HTMLElement {
  return el("div", { class: "totals", attrs: { id } }, [
    el("h3", { text: title }),
    el("table", { class: "grid-table" }, [
      el("tbody", {}, lines.map((l) => el("tr", {}, [el("td", { text: l.label }), el("td", { class: "num", text: `${l.amount} 万元` }), el("td", { class: "num muted", text: `${l.count} 项` })]))),
    ]),
  ]);
}
