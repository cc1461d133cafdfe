/**
 * A compiled glob: `*` any run of characters, `?` exactly one, everything else literal,
 * case-insensitive. Matching splits at the stars and places each piece leftmost, which is exact
 * for these two wildcards and takes time linear in the subject per piece: no regular expression,
 * so no pattern can backtrack catastrophically over a 253-character hostname.
 */
export interface Glob {
  /** Takes a subject already lowercased. */
  matches(lowercased: string): boolean;
}

export function compileGlob(pattern: string): Glob {
  const pieces = pattern.toLowerCase().split("*");
  const head = pieces[0]!;
  if (pieces.length === 1) {
    return { matches: (s) => s.length === head.length && pieceAt(s, head, 0) };
  }
  const tail = pieces.at(-1)!;
  const middle = pieces.slice(1, -1);
  const minLength = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return {
    matches(s) {
      if (s.length < minLength || !pieceAt(s, head, 0) || !pieceAt(s, tail, s.length - tail.length)) return false;
      const end = s.length - tail.length;
      let from = head.length;
      for (const piece of middle) {
        const at = findPiece(s, piece, from, end);
        if (at < 0) return false;
        from = at + piece.length;
      }
      return true;
    },
  };
}

function pieceAt(s: string, piece: string, at: number): boolean {
  if (!piece.includes("?")) return s.startsWith(piece, at);
  for (let i = 0; i < piece.length; i++) {
    const c = piece[i];
    if (c !== "?" && c !== s[at + i]) return false;
  }
  return true;
}

/** The leftmost place from `from` where `piece` fits entirely before `end`, or -1. */
function findPiece(s: string, piece: string, from: number, end: number): number {
  if (!piece.includes("?")) {
    const at = s.indexOf(piece, from);
    return at >= 0 && at + piece.length <= end ? at : -1;
  }
  for (let at = from; at + piece.length <= end; at++) if (pieceAt(s, piece, at)) return at;
  return -1;
}
