// An Aho-Corasick automaton over UTF-16 code units, folded to a deterministic table so that
// scanning costs one table lookup per character: no lowercasing copy, no regex, no
// backtracking, linear in the text whatever the number of phrases.
//
// Matching ignores case (each code unit folds to its lowercase form) and treats any run of
// whitespace (space, tab, CR, LF, NBSP, ideographic space) as one space, so
// "550-5.7.26 The\r\n  message" matches the phrase "the message".

/** Scans text for a fixed set of lowercase phrases. */
export interface PhraseAutomaton {
  readonly phraseCount: number
  /**
   * Appends to `out` the id of each phrase occurring in `text` that is not yet marked with
   * `generation` in `stamp`, and marks it; returns the new length of `out`. Ids come in the
   * order their first occurrence ends in the text.
   */
  scan(text: string, stamp: Uint32Array, generation: number, out: Int32Array, length: number): number
}

const WHITESPACE = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x3000]

/** Builds the automaton for the given phrases (lowercase, single-spaced); phrase id = index. */
export function buildPhraseAutomaton(phrases: readonly string[]): PhraseAutomaton {
  // Character classes: 0 for code units no phrase uses (they always lead back to the root).
  const classOfUnit = new Map<number, number>()
  const space = 1
  classOfUnit.set(0x20, space)
  for (const phrase of phrases) {
    for (let i = 0; i < phrase.length; i++) {
      const unit = phrase.charCodeAt(i)
      if (!classOfUnit.has(unit)) classOfUnit.set(unit, classOfUnit.size + 1)
    }
  }
  const width = classOfUnit.size + 1
  const charClass = new Uint16Array(0x10000)
  for (let unit = 0; unit < 0x10000; unit++) {
    const lower = String.fromCharCode(unit).toLowerCase()
    if (lower.length === 1) charClass[unit] = classOfUnit.get(lower.charCodeAt(0)) ?? 0
  }
  for (const unit of WHITESPACE) charClass[unit] = space

  // The trie.
  const children: Map<number, number>[] = [new Map()]
  const ownOutputs: number[][] = [[]]
  phrases.forEach((phrase, id) => {
    let state = 0
    for (let i = 0; i < phrase.length; i++) {
      const cls = charClass[phrase.charCodeAt(i)]
      let next = children[state].get(cls)
      if (next === undefined) {
        next = children.length
        children.push(new Map())
        ownOutputs.push([])
        children[state].set(cls, next)
      }
      state = next
    }
    ownOutputs[state].push(id)
  })

  // Breadth-first: failure links, the full transition table, and outputs merged along failure links.
  const stateCount = children.length
  const delta = new Int32Array(stateCount * width)
  const fail = new Int32Array(stateCount)
  const outputs: number[][] = new Array(stateCount)
  outputs[0] = ownOutputs[0]
  const queue: number[] = []
  for (const [cls, child] of children[0]) {
    delta[cls] = child
    fail[child] = 0
    queue.push(child)
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]
    outputs[state] = [...ownOutputs[state], ...outputs[fail[state]]]
    const row = state * width
    const failRow = fail[state] * width
    for (let cls = 0; cls < width; cls++) {
      const child = children[state].get(cls)
      if (child === undefined) {
        delta[row + cls] = delta[failRow + cls]
      } else {
        delta[row + cls] = child
        fail[child] = delta[failRow + cls]
        queue.push(child)
      }
    }
  }
  // States renumbered breadth-first (rank 0 = the root): the shallow states, where a scan spends
  // nearly all its steps, then share a few contiguous rows of the table and stay in cache.
  const order = [0, ...queue]
  const rank = new Int32Array(stateCount)
  for (let i = 0; i < order.length; i++) rank[order[i]] = i
  const outputStart = new Int32Array(stateCount + 1)
  for (let i = 0; i < stateCount; i++) outputStart[i + 1] = outputStart[i] + outputs[order[i]].length
  const outputIds = new Int32Array(outputStart[stateCount])
  for (let i = 0; i < stateCount; i++) outputIds.set(outputs[order[i]], outputStart[i])

  // The scan's table: each entry is the next state's row offset (rank × width), times two, plus
  // one when that state ends a phrase. One lookup and no multiplication per character; the
  // outputs are looked up only on the rare characters that end a phrase.
  if (stateCount * width * 2 > 0x7fffffff) throw new Error(`phrase automaton: ${stateCount} states × ${width} classes overflow the scan table`)
  const next = new Int32Array(stateCount * width)
  for (let i = 0; i < stateCount; i++) {
    const from = order[i] * width
    for (let cls = 0; cls < width; cls++) {
      const target = rank[delta[from + cls]]
      next[i * width + cls] = target * width * 2 + (outputStart[target + 1] > outputStart[target] ? 1 : 0)
    }
  }

  return {
    phraseCount: phrases.length,
    scan(text, stamp, generation, out, length) {
      let row = 0
      let wasSpace = false
      for (let i = 0, n = text.length; i < n; i++) {
        const cls = charClass[text.charCodeAt(i)]
        if (cls === space) {
          if (wasSpace) continue
          wasSpace = true
        } else wasSpace = false
        const entry = next[row + cls]
        row = entry >> 1
        if ((entry & 1) === 0) continue
        const state = row / width
        const end = outputStart[state + 1]
        for (let k = outputStart[state]; k < end; k++) {
          const id = outputIds[k]
          if (stamp[id] !== generation) {
            stamp[id] = generation
            out[length++] = id
          }
        }
      }
      return length
    },
  }
}
