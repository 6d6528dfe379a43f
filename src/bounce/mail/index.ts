export { parseMail, partBytes, htmlToText, type ParsedMail, type MailPart } from './parse-mail.ts'
export { parseHeaderParams, type MailHeaders, type HeaderParams } from './mail-headers.ts'
export { decodeCharset, decodeHeaderValue } from './decode.ts'
export * from './limits.ts'
