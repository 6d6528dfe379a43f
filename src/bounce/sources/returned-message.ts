// Where a notice's own words end and the returned message begins. Most formats put the
// original below a marker line of their own ("----- Original message -----" (Gmail, Google
// Groups), "Original message follows." (IMail, DragonFly), "Original mail as follows:" (fml));
// each source keeps its markers, and cuts its text here, so that the returned message's
// headers and body are never read as the notice's addresses or replies.

/** The notice's text from `from` up to the earliest of the markers (matched case-insensitively), or to the end. */
export function noticeBefore(text: string, markers: readonly string[], from = 0): string {
  const lower = text.toLowerCase()
  let end = text.length
  for (const marker of markers) {
    const at = lower.indexOf(marker.toLowerCase(), from)
    if (at !== -1 && at < end) end = at
  }
  return text.slice(from, end)
}
