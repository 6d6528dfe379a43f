// The wording lists' phrases found in a text in one pass of a table-driven automaton
// (Aho–Corasick), instead of a pattern of every phrase tried at every position of the text:
// the same set of phrases, at about 3 ns a character where V8's regex of ~70 alternatives
// takes 7 (ASCII) to 15 (Japanese, two-byte strings).

export interface PhraseFinder {
  /** The phrases a text holds, as `new Set(text.match(pattern))` gives them for the global pattern of them all, longest first. */
  (text: string): Set<string>
  /**
   * The phrases `text.toLowerCase()` holds, for a text the caller knows to be ASCII alone (a
   * character past 0x7f is read as in no phrase). The scan reads a table of the ASCII phrases'
   * states alone (27 KB for the wording lists, 440 states × 31 symbols, where the whole one is 228 KB: the Japanese
   * phrases bring ~100 symbols), and folds A–Z into a–z itself when no phrase holds an ASCII
   * capital, so the text needs no lower-cased copy.
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
  const inLowerCasedAscii = foldsCase
    ? (text: string) => findOccurring(ascii, text) ?? byPattern(text.toLowerCase())
    : (text: string) => {
      const lower = text.toLowerCase()
      return findOccurring(ascii, lower) ?? byPattern(lower)
    }
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
