import { strict as assert } from "assert";
import Decimal from "decimal.js";
import fc from "fast-check";
import {
  COUNT_NUMBER_FORMAT,
  formatCount,
  formatCountWithUnit,
  formatPercent,
  formatWan,
  formatWanWithUnit,
  PERCENT_NUMBER_FORMAT,
  WAN_NUMBER_FORMAT,
} from "../../src/format";
import { displayValue } from "../../taskpane/demo/grid";

describe("format: numbers as clerks write them", () => {
  it("writes 万元 with thousands separators and two decimals", () => {
    assert.equal(formatWan(new Decimal("2337.64")), "2,337.64");
    assert.equal(formatWan(10), "10.00");
    assert.equal(formatWan("357.3"), "357.30");
    assert.equal(formatWan(1200), "1,200.00");
    assert.equal(formatWan(new Decimal("1234567.8")), "1,234,567.80");
    assert.equal(formatWan(0), "0.00");
  });

  it("keeps the places an exact amount needs, up to one yuan (four decimals of 万元)", () => {
    assert.equal(formatWan(new Decimal("12.345").times("0.2")), "2.469");
    assert.equal(formatWan("0.0001"), "0.0001");
    // Beyond a yuan: rounded half up.
    assert.equal(formatWan("1.00005"), "1.0001");
    assert.equal(formatWan("1.00004"), "1.00");
  });

  it("shows a negative amount with its sign and never -0.00", () => {
    assert.equal(formatWan("-1234.5"), "-1,234.50");
    assert.equal(formatWan("-0.00001"), "0.00");
  });

  it("shows an unknown amount as a dash, never as 0", () => {
    assert.equal(formatWan(null), "—");
    assert.equal(formatWan(undefined), "—");
    assert.equal(formatWan("不是数字"), "—");
    assert.equal(formatWan(Number.NaN), "—");
    assert.equal(formatWanWithUnit(null), "—");
  });

  it("joins a number and its unit with a no-break space so they never wrap apart", () => {
    assert.equal(formatWanWithUnit("357.3"), "357.30\u00a0万元");
    assert.equal(formatCountWithUnit(60, "家"), "60\u00a0家");
    assert.equal(formatCountWithUnit(null, "家"), "—");
  });

  it("writes ratios as percentages with one decimal", () => {
    assert.equal(formatPercent(1), "100.0%");
    assert.equal(formatPercent(1 / 3), "33.3%");
    assert.equal(formatPercent(2 / 3), "66.7%");
    assert.equal(formatPercent(0), "0.0%");
    assert.equal(formatPercent(12.5), "1,250.0%");
    assert.equal(formatPercent(null), "—");
  });

  it("writes counts with thousands separators", () => {
    assert.equal(formatCount(1234), "1,234");
    assert.equal(formatCount(60), "60");
    assert.equal(formatCount(null), "—");
  });

  it("reads back exactly: the shown amount, separators removed, is the amount (to the yuan)", () => {
    const amount = fc.tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 4 })).map(([n, places]) => new Decimal(n.toString()).dividedBy(10 ** places));
    fc.assert(
      fc.property(amount, (d) => {
        const shown = formatWan(d);
        assert.match(shown, /^-?\d{1,3}(,\d{3})*\.\d{2,4}$/);
        assert.ok(new Decimal(shown.replace(/,/g, "")).equals(d), `${shown} for ${d.toString()}`);
      }),
    );
  });

  it("the number formats written to sheets show what the pane shows", () => {
    // The demo grid renders number formats the way Excel does; an amount cell with
    // WAN_NUMBER_FORMAT must read like formatWan, a completion cell like formatPercent.
    const cents = fc.integer({ min: -99_999_999, max: 999_999_999 }).chain((n) => fc.integer({ min: 2, max: 4 }).map((p) => n / 10 ** p));
    fc.assert(fc.property(cents, (v) => assert.equal(displayValue(v, WAN_NUMBER_FORMAT), formatWan(new Decimal(v)))));
    for (const r of [0, 0.25, 0.5, 0.6, 1, 1.2, 0.333]) assert.equal(displayValue(r, PERCENT_NUMBER_FORMAT), formatPercent(r));
    for (const n of [0, 7, 1234, 1_000_000]) assert.equal(displayValue(n, COUNT_NUMBER_FORMAT), formatCount(n));
  });
});
