import { strict as assert } from "assert";
import { addYears, dayFromExcelSerial, dayFromParts, excelSerialFromDay, formatDay } from "../../src/dates";

describe("dates", () => {
  it("turns Excel serials into calendar days and back", () => {
    assert.equal(formatDay(dayFromExcelSerial(45047)!), "2023-05-01");
    assert.equal(excelSerialFromDay(dayFromParts(2023, 5, 1)!), 45047);
  });

  it("handles Excel's phantom 1900-02-29", () => {
    assert.equal(formatDay(dayFromExcelSerial(59)!), "1900-02-28");
    assert.equal(dayFromExcelSerial(60), null);
    assert.equal(formatDay(dayFromExcelSerial(61)!), "1900-03-01");
    assert.equal(formatDay(dayFromExcelSerial(1)!), "1900-01-01");
  });

  it("rejects dates that do not exist", () => {
    assert.equal(dayFromParts(2023, 2, 29), null);
    assert.equal(dayFromParts(2023, 13, 1), null);
    assert.notEqual(dayFromParts(2024, 2, 29), null);
  });

  it("adds years keeping the day, Feb 29 falling back to Feb 28", () => {
    assert.equal(formatDay(addYears(dayFromParts(2021, 6, 30)!, 3)), "2024-06-30");
    assert.equal(formatDay(addYears(dayFromParts(2024, 2, 29)!, 1)), "2025-02-28");
  });
});
