/**
 * The as-of date, typed as 年-月-日 whatever the browser's language (a date picker would show
 * mm/dd/yyyy in an English browser while the message asks for 年-月-日). Also read: 2024/12/31,
 * 2024.12.31, 2024年12月31日 and 20241231; the field shows the date back as 2024-12-31.
 */
import { dayFromParts, DayNumber, formatDay, yearOf } from "../../src/dates";
import { UserMessage } from "../context";
import { el } from "../dom";

export interface DateField {
  element: HTMLElement;
  input: HTMLInputElement;
  /** The day typed; throws a UserMessage naming the field when it is empty or not a real date. */
  value(): DayNumber;
  set(day: DayNumber): void;
}

export const BAD_DATE_MESSAGE = "请先填写基准日期（年-月-日）。";

/** "2024-12-31", "2024/12/31", "2024.12.31", "2024年12月31日", "20241231" -> day number; else null. */
export function parseDayText(text: string): DayNumber | null {
  const s = text.normalize("NFKC").replace(/\s+/g, "");
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  return m ? dayFromParts(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/** January 1 of the year `day` falls in: the start-of-year refresh date. */
export function startOfYear(day: DayNumber): DayNumber {
  return dayFromParts(yearOf(day), 1, 1) as DayNumber;
}

/** A labelled 基准日期 field; `changed` runs when a valid new date has been typed. */
export function dateField(id: string, initial: DayNumber, changed: () => void, label = "基准日期"): DateField {
  const hintId = `${id}-hint`;
  const input = el("input", {
    class: "date-input",
    attrs: { id, type: "text", inputmode: "numeric", autocomplete: "off", placeholder: "年-月-日", "aria-describedby": hintId, spellcheck: "false" },
  });
  input.value = formatDay(initial);
  const hint = el("span", { class: "hint date-hint", text: "年-月-日", attrs: { id: hintId } });
  const element = el("div", { class: "field-row" }, [el("label", { text: label, attrs: { for: id } }), input, hint]);
  let last = input.value;
  input.addEventListener("change", () => {
    const day = parseDayText(input.value);
    input.setAttribute("aria-invalid", day === null ? "true" : "false");
    if (day === null) return;
    input.value = formatDay(day);
    if (input.value !== last) {
      last = input.value;
      changed();
    }
  });
  return {
    element,
    input,
    value: () => {
      const text = input.value.trim();
      if (text === "") throw new UserMessage(BAD_DATE_MESSAGE);
      const day = parseDayText(text);
      if (day === null) {
        input.setAttribute("aria-invalid", "true");
        throw new UserMessage(`${label}“${text}”不是有效日期，请按 年-月-日 填写，如 2024-12-31。`);
      }
      input.setAttribute("aria-invalid", "false");
      return day;
    },
    set: (day) => {
      input.value = formatDay(day);
      last = input.value;
      input.setAttribute("aria-invalid", "false");
    },
  };
}
