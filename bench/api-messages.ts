// The two ~10 KB messages bench/api.ts injects, shared with bench/content.ts so that the lint
// of exactly what the API benchmark sends can be timed alone.

const TEXT_BYTES = 10 * 1024
const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n'
const text = line.repeat(Math.ceil(TEXT_BYTES / 2 / line.length))
const html = `<p>${text.replace(/\n/g, '<br>\n')}</p>`

/** The structured body: from/to/subject/text/html, composed by todoku. */
export const STRUCTURED_MESSAGE = {
  from: 'News <news@example.jp>', to: 'reader@example.com', subject: 'Weekly news', text, html,
  headers: { 'List-Unsubscribe': '<https://example.jp/u/1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
}

/** The raw body's message: plain text, CRLF line ends. */
export const RAW_MESSAGE = `From: News <news@example.jp>\r\nTo: reader@example.com\r\nSubject: Weekly news\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\nMessage-ID: <1@example.jp>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text.repeat(2).replace(/\n/g, '\r\n')}`
