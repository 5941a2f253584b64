/**
 * The `catalog query` language. Two kinds of question:
 *
 * Tracks — a boolean expression over track facts (`and`, `or`, `not`, parentheses; `&`, `|`, `!`):
 *   piano                      the class is tagged on the track (max window score ≥ its threshold)
 *   distorted-guitar >= 30s    seconds of smoothed activity (units s, sec, min, or % of the track)
 *   violin score > 0.8         the track-level (max-pooled) score
 *   top is piano               the class with the most active seconds is piano (also `top = piano`)
 *
 * Time — `when` and a boolean expression over classes, optionally `for >= N s` (only stretches at
 * least that long): the seconds where it holds, e.g. `when violin and flute`, `when piano and not drums`.
 *
 * Classes are ids (distorted-guitar), MedleyDB labels or display names; quote names with spaces.
 */
import { findClass } from "../data/classes.js";
import { UserError } from "../errors.js";

/** A comparison operator. */
export type CmpOp = ">=" | ">" | "<=" | "<" | "=";

/** A boolean expression over track facts. */
export type TrackExpr =
  | { readonly kind: "and" | "or"; readonly items: readonly TrackExpr[] }
  | { readonly kind: "not"; readonly item: TrackExpr }
  | { readonly kind: "tag"; readonly cls: string }
  | { readonly kind: "seconds"; readonly cls: string; readonly op: CmpOp; readonly value: number; readonly unit: "s" | "%" }
  | { readonly kind: "score"; readonly cls: string; readonly op: CmpOp; readonly value: number }
  | { readonly kind: "top"; readonly cls: string };

/** A boolean expression over class activity in time. */
export type TimeExpr =
  | { readonly kind: "and" | "or"; readonly items: readonly TimeExpr[] }
  | { readonly kind: "not"; readonly item: TimeExpr }
  | { readonly kind: "class"; readonly cls: string };

/** A parsed query. */
export type Query =
  | { readonly kind: "tracks"; readonly expr: TrackExpr; readonly text: string }
  | { readonly kind: "when"; readonly expr: TimeExpr; readonly minSec: number; readonly text: string };

interface Token {
  readonly text: string;
  /** 1-based column in the query. */
  readonly col: number;
  readonly quoted: boolean;
}

const TOKEN = /\s*(?:"([^"]*)"|'([^']*)'|(>=|<=|==|[><=()&|!%])|([A-Za-z0-9_.+-]+))/y;
const SYNONYM: Readonly<Record<string, string>> = { "&": "and", "|": "or", "!": "not", "==": "=" };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let at = 0;
  while (text.slice(at).trim() !== "") {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (m === null) {
      const col = text.length - text.slice(at).trimStart().length + 1;
      throw new UserError(`query: unexpected "${text.slice(col - 1, col)}" at column ${col} of "${text}"`);
    }
    const quoted = m[1] !== undefined || m[2] !== undefined;
    const lexeme = m[1] ?? m[2] ?? m[3] ?? m[4] ?? "";
    const col = TOKEN.lastIndex - lexeme.length - (quoted ? 2 : 0) + 1;
    out.push({ text: quoted ? lexeme : (SYNONYM[lexeme] ?? lexeme.toLowerCase()), col, quoted });
    at = TOKEN.lastIndex;
  }
  return out;
}

const UNITS: Readonly<Record<string, { unit: "s" | "%"; scale: number }>> = {
  s: { unit: "s", scale: 1 },
  sec: { unit: "s", scale: 1 },
  secs: { unit: "s", scale: 1 },
  second: { unit: "s", scale: 1 },
  seconds: { unit: "s", scale: 1 },
  m: { unit: "s", scale: 60 },
  min: { unit: "s", scale: 60 },
  mins: { unit: "s", scale: 60 },
  minute: { unit: "s", scale: 60 },
  minutes: { unit: "s", scale: 60 },
  "%": { unit: "%", scale: 1 },
};
const OPS: readonly string[] = [">=", ">", "<=", "<", "="];

/** Recursive-descent parser over the tokens of one query. */
class Parser {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly text: string,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private fail(what: string): never {
    const t = this.peek();
    throw new UserError(`query: expected ${what} ${t === undefined ? "at the end" : `at "${t.text}" (column ${t.col})`} of "${this.text}"`);
  }
  private accept(word: string): boolean {
    const t = this.peek();
    if (t === undefined || t.quoted || t.text !== word) return false;
    this.i++;
    return true;
  }
  /** Skips the current token (the query's leading keyword). */
  skip(): void {
    this.i++;
  }
  done(): void {
    if (this.peek() !== undefined) this.fail("and, or or the end of the query");
  }

  /** Parses a class name (one token; unquoted multi-word labels are not taken). */
  cls(): string {
    const t = this.peek();
    if (t === undefined || (!t.quoted && ["and", "or", "not", "(", ")", "top", "when", "for"].includes(t.text))) this.fail("a class name");
    const c = findClass(t.text);
    if (c === undefined) this.fail("a class name (an id such as piano or distorted-guitar, a MedleyDB label or a display name in quotes)");
    this.i++;
    return c.id;
  }

  number(): number {
    const t = this.peek();
    const v = t === undefined ? Number.NaN : Number(t.text.replace(/(s|sec|secs|m|min|mins)$/, ""));
    if (t === undefined || t.quoted || !Number.isFinite(v) || !/^[0-9.]/.test(t.text)) this.fail("a number");
    return v;
  }

  /** A number with an optional unit glued on ("30s") or following ("30 s", "50 %"); default seconds. */
  amount(): { value: number; unit: "s" | "%" } {
    const t = this.peek() as Token;
    const value = this.number();
    this.i++;
    const glued = /^[0-9.]+([a-z]+)$/.exec(t.text)?.[1];
    const next = this.peek();
    const name = glued ?? (next !== undefined && !next.quoted && UNITS[next.text] !== undefined ? next.text : undefined);
    if (glued === undefined && name !== undefined) this.i++;
    const u = UNITS[name ?? "s"];
    if (u === undefined) this.fail(`a unit (s, min or %) after ${value}`);
    return { value: value * u.scale, unit: u.unit };
  }

  op(): CmpOp {
    const t = this.peek();
    if (t === undefined || !OPS.includes(t.text)) this.fail("a comparison (>=, >, <=, <, =)");
    this.i++;
    return t.text as CmpOp;
  }

  binary<T>(operand: () => T, kind: "and" | "or", build: (items: T[]) => T): T {
    const items = [operand()];
    while (this.accept(kind)) items.push(operand());
    return items.length === 1 ? (items[0] as T) : build(items);
  }

  trackOr(): TrackExpr {
    return this.binary(
      () =>
        this.binary(
          () => this.trackNot(),
          "and",
          (items) => ({ kind: "and", items }),
        ),
      "or",
      (items) => ({ kind: "or", items }),
    );
  }
  trackNot(): TrackExpr {
    if (this.accept("not")) return { kind: "not", item: this.trackNot() };
    if (this.accept("(")) {
      const e = this.trackOr();
      if (!this.accept(")")) this.fail('")"');
      return e;
    }
    if (this.accept("top")) {
      if (!this.accept("is") && !this.accept("=")) this.fail('"is" or "=" after top');
      return { kind: "top", cls: this.cls() };
    }
    const cls = this.cls();
    if (this.accept("score")) {
      const op = this.op();
      const value = this.number();
      this.i++;
      return { kind: "score", cls, op, value };
    }
    const t = this.peek();
    if (t === undefined || !OPS.includes(t.text)) return { kind: "tag", cls };
    const op = this.op();
    return { kind: "seconds", cls, op, ...this.amount() };
  }

  timeOr(): TimeExpr {
    return this.binary(
      () =>
        this.binary(
          () => this.timeNot(),
          "and",
          (items) => ({ kind: "and", items }),
        ),
      "or",
      (items) => ({ kind: "or", items }),
    );
  }
  timeNot(): TimeExpr {
    if (this.accept("not")) return { kind: "not", item: this.timeNot() };
    if (this.accept("(")) {
      const e = this.timeOr();
      if (!this.accept(")")) this.fail('")"');
      return e;
    }
    return { kind: "class", cls: this.cls() };
  }

  /** `for [>=] N unit`: the shortest stretch kept, seconds. */
  minStretch(): number {
    if (!this.accept("for")) return 0;
    if (!this.accept(">=")) this.accept(">");
    const a = this.amount();
    if (a.unit === "%") this.fail("seconds or minutes after for");
    return a.value;
  }
}

/**
 * Parses a query.
 * @throws UserError naming the column where it went wrong and what was expected there
 */
export function parseQuery(text: string): Query {
  const tokens = tokenize(text);
  if (tokens.length === 0)
    throw new UserError('query: empty query (try "piano", "distorted-guitar >= 30s", "top is piano" or "when violin and flute")');
  const p = new Parser(tokens, text);
  if (tokens[0]?.text === "when" && tokens[0].quoted === false) {
    p.skip();
    const expr = p.timeOr();
    const minSec = p.minStretch();
    p.done();
    return { kind: "when", expr, minSec, text };
  }
  const expr = p.trackOr();
  p.done();
  return { kind: "tracks", expr, text };
}

/** Class ids a query mentions, in first-mention order. */
export function queryClasses(q: Query): string[] {
  const out: string[] = [];
  const visit = (e: TrackExpr | TimeExpr): void => {
    if ("items" in e) e.items.forEach(visit);
    else if ("item" in e) visit(e.item);
    else if (!out.includes(e.cls)) out.push(e.cls);
  };
  visit(q.expr);
  return out;
}
