/**
 * Reading one ledger cell by its field's type: the single place where the catalogue's types
 * meet the cell readers. Validation, eligibility and the jobs all read through here.
 */
import { checkUscc } from "../uscc";
import { enumIndex, readBool, readCode, readDate, readEnum, readEnumList, readNumber, readText, readYear, Reading } from "./cells";
import { FieldDef } from "./catalogue";

export type FieldValue = string | number | boolean | string[];

const enumIndexes = new WeakMap<object, Map<string, string>>();
function indexFor(values: object & Parameters<typeof enumIndex>[0]): Map<string, string> {
  let idx = enumIndexes.get(values);
  if (!idx) {
    idx = enumIndex(values);
    enumIndexes.set(values, idx);
  }
  return idx;
}

/**
 * Reads a cell as its field says. Money is returned in 万元 as a number here (exact decimal
 * text survives: Decimal(number) keeps the typed digits); use readMoney where arithmetic on
 * money follows. A 统一社会信用代码 that is readable but wrong is invalid with the reason.
 * Flags (negative list) read like yes/no; their blank = "no record" is decided by the caller.
 */
export function readField(def: FieldDef, v: unknown): Reading<FieldValue> {
  const t = def.type;
  switch (t.t) {
    case "text":
      return readText(v);
    case "uscc": {
      const r = readCode(v);
      if (r.status !== "ok") return r;
      const c = checkUscc(r.value);
      return c.valid ? { status: "ok", value: c.normalized } : { status: "invalid", message: c.reason as string };
    }
    case "date":
      return readDate(v);
    case "year":
      return readYear(v);
    case "money":
      return readNumber(v, "wan");
    case "count": {
      const r = readNumber(v, "count");
      if (r.status === "ok" && r.value < 0) return { status: "invalid", message: `人数或个数不能为负数（填的是 ${r.value}）` };
      return r;
    }
    case "score": {
      const r = readNumber(v, "score");
      if (r.status === "ok" && (r.value < 0 || r.value > 100)) return { status: "invalid", message: `得分应在 0 到 100 之间（填的是 ${r.value}）` };
      return r;
    }
    case "bool":
    case "flag":
      return readBool(v);
    case "enum":
      return t.multi ? readEnumList(v, t.values, indexFor(t.values)) : readEnum(v, t.values, indexFor(t.values));
  }
}
