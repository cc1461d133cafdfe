import { describe, expect, it } from "vitest";
import { REMOTE_TEXT_MAX_CHARS, remoteText } from "./remote-text.ts";

describe("remoteText: text from the other server, safe to store and show", () => {
  it("turns control characters, newlines, line separators and bidi overrides into single spaces", () => {
    expect(remoteText("a\nb\r\n\tc\u0000d\u001be\u007ff\u0085g\u2028h\u202ei\u2066j  k")).toBe("a b c d e f g h i j k");
  });

  it("keeps ordinary text, accents and emoji as they are", () => {
    expect(remoteText("Opérateur: 5 jours ✓ 🚀")).toBe("Opérateur: 5 jours ✓ 🚀");
  });

  it(`caps the text at ${REMOTE_TEXT_MAX_CHARS} characters, the last one an ellipsis`, () => {
    const capped = remoteText("x".repeat(10_000));
    expect(capped).toHaveLength(REMOTE_TEXT_MAX_CHARS);
    expect(capped.endsWith("…")).toBe(true);
    expect(remoteText("abcdef", 4)).toBe("abc…");
  });

  it("never leaves half of a surrogate pair at the cut", () => {
    const capped = remoteText(`ab${"🚀".repeat(5)}`, 4);
    expect(capped).toBe("ab…");
  });

  it("turns anything else into text first", () => {
    expect(remoteText(42)).toBe("42");
    expect(remoteText(null)).toBe("null");
  });
});
