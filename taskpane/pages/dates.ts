/** The as-of date input shared by the 动态管理 and 目标完成情况 pages. */
import { dayFromParts, DayNumber, formatDay, yearOf } from "../../src/dates";
import { el } from "../dom";

export interface AsOfInput {
  element: HTMLElement;
  input: HTMLInputElement;
  /** The chosen day, or null when the field is empty or not a real date. */
  value(): DayNumber | null;
  set(day: DayNumber): void;
}

export function asOfInput(id: string, today: DayNumber): AsOfInput {
  const input = el("input", { attrs: { id, type: "date", "aria-label": "基准日期" } });
  input.value = formatDay(today);
  const element = el("div", { class: "field-row" }, [el("label", { text: "基准日期", attrs: { for: id } }), input]);
  return {
    element,
    input,
    value: () => parseIsoDay(input.value),
    set: (day) => {
      input.value = formatDay(day);
    },
  };
}

/** "2024-01-01" -> day number; anything else -> null. */
export function parseIsoDay(text: string): DayNumber | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  return m ? dayFromParts(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/** January 1 of the year `day` falls in: the start-of-year refresh date. */
export function startOfYear(day: DayNumber): DayNumber {
  return dayFromParts(yearOf(day), 1, 1) as DayNumber;
}

export const BAD_DATE_MESSAGE = "请先填写基准日期（年-月-日）。";
