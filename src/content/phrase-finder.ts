// The wording lists' phrases found in a text in one pass of a table-driven automaton
// (Aho–Corasick), instead of a pattern of every phrase tried at every position of the text:
// the same set of phrases, at about 3 ns a character where V8's regex of ~70 alternatives
// takes 7 (ASCII) to 15 (Japanese, two-byte strings).

export interface PhraseFinder {
  /** The phrases a text holds, as `new Set(text.match(pattern))` gives them for the global pattern of them all, longest first. */
  (text: string): Set<string>
  /**
   * The phrases `text.toLowerCase()` holds, for a text the caller knows to be ASCII alone (a
   * character past 0x7f is read as in no phrase). When no phrase holds an ASCII capital, A–Z
   * are folded into a–z by the scan, so the text needs no lower-cased copy; and when the ASCII
   * phrases are two characters or more (the wording lists' are five or more), the scan skips
   * along the text (SkipScan). Otherwise it reads a table of the ASCII phrases' states alone
   * (27 KB for the wording lists, 440 states × 31 symbols, where the whole one is 228 KB: the
   * Japanese phrases bring ~100 symbols).
   */
  inLowerCasedAscii(text: string): Set<string>
}

/**
 * Transitions in the automaton's table (states × distinct characters of the phrases). Stops a
 * wording list of thousands of long phrases from making a table of tens of megabytes: past this
 * the pattern does the work alone.
 */
const MAX_TABLE_ENTRIES = 1 << 22

/**
 * Longest text the skip scan reads; a longer one (a megabyte Subject) is read by the automaton.
 * Stops text made to stop every window ('your ' repeated, each window comparing five phrases)
 * from costing ~5 times the automaton's ~13 ns a character: 68 ms a megabyte, 4 s for 64 MB.
 */
const MAX_SKIPPING_CHARS = 64 * 1024

/**
 * Compiles phrases (case as given; the text must match their case) into a finder.
 *
 * The pattern scans left to right and takes the longest phrase at each position, so a phrase
 * overlapped by an earlier match (or starting one a longer phrase takes) is not found there.
 * When no two phrase occurrences in the text overlap, that scan finds exactly the phrases that
 * occur, which the automaton lists; when some do ('メール配信停止' holds '配信停止'), the
 * pattern decides.
 */
export function compilePhraseFinder(phrases: readonly string[]): PhraseFinder {
  const sorted = [...new Set(phrases)].sort((a, b) => b.length - a.length)
  const pattern = new RegExp(sorted.map((phrase) => phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
  const byPattern = (text: string) => new Set(text.match(pattern))
  // an empty phrase matches everywhere, as the pattern has it
  const automata = sorted.length === 0 || sorted.includes('') ? undefined : buildAutomata(sorted)
  if (automata === undefined) return Object.assign(byPattern, { inLowerCasedAscii: (text: string) => byPattern(text.toLowerCase()) })
  const { all, ascii, foldsCase } = automata
  const find = (text: string) => findOccurring(all, text) ?? byPattern(text)
  const skipping = foldsCase ? buildSkipScan(sorted.filter((phrase) => !/[^\x00-\x7f]/.test(phrase))) : undefined
  const byAutomaton = foldsCase
    ? (text: string) => findOccurring(ascii, text) ?? byPattern(text.toLowerCase())
    : (text: string) => {
      const lower = text.toLowerCase()
      return findOccurring(ascii, lower) ?? byPattern(lower)
    }
  const inLowerCasedAscii = skipping === undefined
    ? byAutomaton
    : (text: string) => text.length > MAX_SKIPPING_CHARS ? byAutomaton(text) : findBySkipping(skipping, text) ?? byPattern(text.toLowerCase())
  return Object.assign(find, { inLowerCasedAscii })
}

interface Automaton {
  /** the symbol of each UTF-16 code unit: 0 for one in no phrase (the same length in both automata, so the scan sees one shape) */
  readonly symbolOf: Uint16Array
  readonly symbols: number
  /** the next state: transitions[state * symbols + symbol] */
  readonly transitions: Uint16Array | Uint32Array
  readonly start: number
  /** states from this one on end at least one phrase */
  readonly firstEnding: number
  /** the phrases ending at each of those states, longest first */
  readonly ending: readonly (readonly string[])[]
}

/**
 * The automaton of every phrase, and its part that ASCII text reaches: the states whose path is
 * ASCII over the ASCII symbols. A failure of such a state (a suffix of its path) is one too,
 * so every transition of that part stays in it.
 */
function buildAutomata(phrases: readonly string[]): { readonly all: Automaton; readonly ascii: Automaton; readonly foldsCase: boolean } | undefined {
  const symbolOf = new Uint16Array(0x10000)
  const codeOf = [0]
  let symbols = 1
  for (const phrase of phrases) {
    for (let index = 0; index < phrase.length; index++) {
      const code = phrase.charCodeAt(index)
      if (symbolOf[code] === 0) {
        symbolOf[code] = symbols++
        codeOf.push(code)
      }
    }
  }
  // the trie of the phrases; node 0 is the root
  const children: Map<number, number>[] = [new Map()]
  const ends: string[][] = [[]]
  for (const phrase of phrases) {
    let node = 0
    for (let index = 0; index < phrase.length; index++) {
      const symbol = symbolOf[phrase.charCodeAt(index)]
      let child = children[node].get(symbol)
      if (child === undefined) {
        child = children.length
        children.push(new Map())
        ends.push([])
        children[node].set(symbol, child)
      }
      node = child
    }
    ends[node].push(phrase)
  }
  const nodes = children.length
  if (nodes * symbols > MAX_TABLE_ENTRIES) return undefined

  // Breadth first, so that a node's failure (its longest proper suffix that is in the trie, always
  // shallower) has its row and its ending phrases complete before the node takes them over.
  const order = [0]
  for (let index = 0; index < order.length; index++) order.push(...children[order[index]].values())
  const next = new Uint32Array(nodes * symbols)
  const failure = new Uint32Array(nodes)
  for (const node of order) {
    const row = node * symbols
    const failureRow = failure[node] * symbols
    if (node !== 0) ends[node].push(...ends[failure[node]])
    for (let symbol = 0; symbol < symbols; symbol++) {
      const child = children[node].get(symbol)
      if (child === undefined) {
        next[row + symbol] = node === 0 ? 0 : next[failureRow + symbol]
        continue
      }
      next[row + symbol] = child
      failure[child] = node === 0 ? 0 : next[failureRow + symbol]
    }
  }

  for (const node of order) ends[node].sort((a, b) => b.length - a.length)
  const all = tableOf(order, next, symbols, ends, symbolOf, Array.from({ length: symbols }, (_, symbol) => symbol))

  const isAsciiNode = new Uint8Array(nodes)
  isAsciiNode[0] = 1
  for (const node of order) {
    if (isAsciiNode[node] === 0) continue
    for (const [symbol, child] of children[node]) if (codeOf[symbol] < 0x80) isAsciiNode[child] = 1
  }
  const asciiSymbols = [0]
  const asciiSymbolOf = new Uint16Array(0x10000)
  for (let symbol = 1; symbol < symbols; symbol++) {
    if (codeOf[symbol] >= 0x80) continue
    asciiSymbolOf[codeOf[symbol]] = asciiSymbols.length
    asciiSymbols.push(symbol)
  }
  // with no capital in a phrase, a capital of the text stands for its small letter: that of text.toLowerCase()
  const foldsCase = !phrases.some((phrase) => /[A-Z]/.test(phrase))
  if (foldsCase) for (let code = 0x41; code <= 0x5a; code++) asciiSymbolOf[code] = asciiSymbolOf[code + 0x20]
  const ascii = tableOf(order.filter((node) => isAsciiNode[node] === 1), next, symbols, ends, asciiSymbolOf, asciiSymbols)
  return { all, ascii, foldsCase }
}

/** The table of some nodes (the root first, closed under the transitions over the symbols taken) over some symbols, renumbered. */
function tableOf(
  nodes: readonly number[], next: Uint32Array, symbols: number, ends: readonly (readonly string[])[], symbolOf: Uint16Array, taken: readonly number[],
): Automaton {
  // renumbered: states that end no phrase first, so that one comparison tells the others
  const state = new Map<number, number>()
  const ending: (readonly string[])[] = []
  for (const node of nodes) if (ends[node].length === 0) state.set(node, state.size)
  const firstEnding = state.size
  for (const node of nodes) {
    if (ends[node].length === 0) continue
    state.set(node, state.size)
    ending.push(ends[node])
  }
  const width = taken.length
  const transitions = nodes.length <= 0x10000 ? new Uint16Array(nodes.length * width) : new Uint32Array(nodes.length * width)
  for (const node of nodes) {
    const row = state.get(node)! * width
    for (let symbol = 0; symbol < width; symbol++) transitions[row + symbol] = state.get(next[node * symbols + taken[symbol]])!
  }
  return { symbolOf, symbols: width, transitions, start: state.get(0)!, firstEnding, ending }
}

/** The phrases occurring in text; undefined when two occurrences overlap (the pattern's scan must then decide). */
function findOccurring(automaton: Automaton, text: string): Set<string> | undefined {
  const { symbolOf, symbols, transitions, firstEnding } = automaton
  // the loop only notes where phrases end (state, then index): it runs once a character
  const ends: number[] = []
  let state = automaton.start
  for (let index = 0; index < text.length; index++) {
    state = transitions[state * symbols + symbolOf[text.charCodeAt(index)]]
    if (state >= firstEnding) ends.push(state, index + 1)
  }
  const found = new Set<string>()
  // in the order they end, occurrences that do not overlap each start at or after the previous one's end
  let previousEnd = 0
  for (let at = 0; at < ends.length; at += 2) {
    const end = ends[at + 1]
    for (const phrase of automaton.ending[ends[at] - firstEnding]) {
      if (end - phrase.length < previousEnd) return undefined
      previousEnd = end
      found.add(phrase)
    }
  }
  return found
}

/**
 * The ASCII phrases as a Wu–Manber scan: a window of the shortest phrase's length (`span`; a
 * shorter one with an anchor is looked for apart) moves along the text by as much as the pair
 * of characters at its end allows, so that no phrase can start in what it passes over; only
 * where that pair ends some phrase's first `span` characters are the phrases of that pair
 * compared. With the wording lists (a window of 7) it looks at about one window end in 4.4
 * characters of English and compares at a few, three times as fast as the automaton.
 */
interface SkipScan {
  /** the first characters of every phrase that are compared: at most 255, the shifts being bytes */
  readonly span: number
  /** a text character as lower-cased: A–Z as a–z, the other ASCII as itself, the rest 0 */
  readonly fold: Uint8Array
  /**
   * how far the window may move when its last two characters are a pair, capitals read as small
   * letters: shift[(first << 7 | second) & 0x3fff]. A character past 0x7f (in no phrase, by the
   * caller's word) lands on another pair's entry: a shorter move than its own is still safe, and
   * the comparison that may follow reads it through `fold`.
   */
  readonly shift: Uint8Array
  /** the phrases whose first `span` characters end in a pair (indexed as `shift`), longest first */
  readonly candidates: readonly (readonly string[] | undefined)[]
  /**
   * Phrases shorter than `span`, each holding a character that is no small letter, digit or
   * space ('%' of '% off'): looked for where that character stands in the text (indexOf, at
   * memchr's speed), so that the window is as long as the other phrases allow. One 5-character
   * phrase kept the window at 5 for the wording lists' 30, where the next shortest are 7: the
   * scan took a third longer.
   */
  readonly anchored: readonly AnchoredPhrase[]
}

interface AnchoredPhrase {
  readonly phrase: string
  /** the character looked for, and where it stands in the phrase */
  readonly anchor: string
  readonly at: number
}

/** A character of a phrase that prose holds seldom: none of a–z, 0–9 and the space. */
const ANCHOR = /[^a-z0-9 ]/

/** Lower-case ASCII phrases (no capital) of two characters or more; undefined for other phrases, or none. */
function buildSkipScan(allPhrases: readonly string[]): SkipScan | undefined {
  if (allPhrases.length === 0 || allPhrases.some((phrase) => phrase.length < 2)) return undefined
  // the window: the shortest phrase without an anchor (all of them when every one has one),
  // unless the shortest of all is not a quarter shorter: then no phrase is looked for apart. The
  // urgent list's 'unusual sign-in activity' (24, the others 26 and more) looked for at every '-'
  // of a README cost more (109 comparisons, ~3 µs) than the longer window saved.
  const plain = allPhrases.filter((phrase) => !ANCHOR.test(phrase))
  const shortest = Math.min(255, ...allPhrases.map((phrase) => phrase.length))
  const plainSpan = Math.min(255, ...(plain.length > 0 ? plain : allPhrases).map((phrase) => phrase.length))
  const span = shortest * 4 >= plainSpan * 3 ? shortest : plainSpan
  const anchored = allPhrases.filter((phrase) => phrase.length < span).map((phrase) => {
    const at = phrase.search(ANCHOR)
    return { phrase, anchor: phrase[at], at }
  })
  const phrases = allPhrases.filter((phrase) => phrase.length >= span)
  const fold = new Uint8Array(0x10000)
  for (let code = 1; code < 0x80; code++) fold[code] = code >= 0x41 && code <= 0x5a ? code + 0x20 : code
  const shift = new Uint8Array(0x80 * 0x80).fill(span - 1)
  // every pair a slot from the start: filled here and there, a growing array would turn into a dictionary
  const candidates = new Array<string[] | undefined>(0x80 * 0x80).fill(undefined)
  for (const phrase of phrases) {
    for (let index = 1; index < span; index++) {
      const pair = phrase.charCodeAt(index - 1) << 7 | phrase.charCodeAt(index)
      shift[pair] = Math.min(shift[pair], span - 1 - index)
      if (index === span - 1) (candidates[pair] ??= []).push(phrase)
    }
  }
  for (const list of candidates) list?.sort((a, b) => b.length - a.length)
  // the capitals' pairs take their small letters' entries: the scan then reads no fold table
  for (let first = 0; first < 0x80; first++) {
    for (let second = 0; second < 0x80; second++) {
      const folded = fold[first] << 7 | fold[second]
      shift[first << 7 | second] = shift[folded]
      candidates[first << 7 | second] = candidates[folded]
    }
  }
  return { span, fold, shift, candidates, anchored }
}

/** The phrases occurring in an ASCII text read as lower-cased; undefined when two occurrences overlap, as findOccurring. */
function findBySkipping(scan: SkipScan, text: string): Set<string> | undefined {
  const occurrences: Occurrence[] = []
  scanWindowEnds(scan, text, scan.span - 1, text.length, occurrences)
  for (const { phrase, anchor, at } of scan.anchored) {
    for (let found = text.indexOf(anchor, at); found !== -1; found = text.indexOf(anchor, found + 1)) {
      const start = found - at
      if (start + phrase.length > text.length) break
      let index = 0
      while (index < phrase.length && scan.fold[text.charCodeAt(start + index)] === phrase.charCodeAt(index)) index++
      if (index === phrase.length) occurrences.push({ end: start + phrase.length, phrase })
    }
  }
  // in the automaton's order: by where they end, the longest first where several end together
  occurrences.sort((a, b) => a.end - b.end || b.phrase.length - a.phrase.length)
  const found = new Set<string>()
  let previousEnd = 0
  for (const { end, phrase } of occurrences) {
    if (end - phrase.length < previousEnd) return undefined
    previousEnd = end
    found.add(phrase)
  }
  return found
}

/**
 * The windows ending from `from` to `to`. Two windows move at once, one over the first half of
 * those ends, one over the second: each move waits on the pair its window ends at, and two such
 * chains of loads run side by side where one alone leaves the processor waiting (~4.5 ns a move
 * alone, ~2.5 both). When one half is done, what is left of the other is halved again.
 */
function scanWindowEnds(scan: SkipScan, text: string, from: number, to: number, occurrences: Occurrence[]): void {
  const { shift } = scan
  while (to - from > 64) {
    const middle = (from + to) >> 1
    let first = from
    let second = middle
    while (first < middle && second < to) {
      const firstShift = shift[(text.charCodeAt(first - 1) << 7 | text.charCodeAt(first)) & 0x3fff]
      const secondShift = shift[(text.charCodeAt(second - 1) << 7 | text.charCodeAt(second)) & 0x3fff]
      if (firstShift !== 0 && secondShift !== 0) {
        first += firstShift
        second += secondShift
        continue
      }
      if (firstShift === 0) compareAt(scan, text, first++, occurrences)
      else first += firstShift
      if (secondShift === 0) compareAt(scan, text, second++, occurrences)
      else second += secondShift
    }
    if (first < middle) [from, to] = [first, middle]
    else from = second
  }
  for (let last = from; last < to;) last = moveOne(scan, text, last, occurrences)
}

interface Occurrence {
  readonly end: number
  readonly phrase: string
}

/** One move of a window ending at `last`; where it goes next. */
function moveOne(scan: SkipScan, text: string, last: number, occurrences: Occurrence[]): number {
  const move = scan.shift[(text.charCodeAt(last - 1) << 7 | text.charCodeAt(last)) & 0x3fff]
  if (move !== 0) return last + move
  compareAt(scan, text, last, occurrences)
  return last + 1
}

/** The phrases of the pair the window ending at `last` ends with, compared at the window's start. */
function compareAt(scan: SkipScan, text: string, last: number, occurrences: Occurrence[]): void {
  const { span, fold } = scan
  const start = last - span + 1
  for (const phrase of scan.candidates[(text.charCodeAt(last - 1) << 7 | text.charCodeAt(last)) & 0x3fff] ?? []) {
    if (start + phrase.length > text.length) continue
    let index = 0
    while (index < phrase.length && fold[text.charCodeAt(start + index)] === phrase.charCodeAt(index)) index++
    if (index === phrase.length) occurrences.push({ end: start + phrase.length, phrase })
  }
}
