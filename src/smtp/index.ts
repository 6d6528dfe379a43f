// SMTP, client side: reply and EHLO parsing (pure), the client connection and its pool (edges).
export {
  createReplyReader, formatReply, parseEhlo, readEnhancedStatus, NO_CAPABILITIES, MAX_REPLY_LINE_BYTES, MAX_REPLY_LINES,
  type SmtpReply, type EhloCapabilities, type ReplyReader, type ReplyChunkResult, type ReplyStreamFailure,
} from './reply.ts'
export { SmtpError, type SmtpErrorCode } from './errors.ts'
export { encodeMessageData } from './message-data.ts'
export { MAX_ADDRESS_LENGTH, type Envelope } from './commands.ts'
export { TlsMode, type TlsInfo } from './starttls.ts'
export { MAX_TRANSCRIPT_LINES } from './wire.ts'
export {
  openSmtpConnection,
  type SmtpConnection, type SmtpConnectionOptions, type TransactionResult, type RecipientResult,
} from './client-connection.ts'
export {
  createConnectionPool,
  type ConnectionPool, type ConnectionPoolOptions, type ConnectionPoolStats, type PooledConnection,
} from './connection-pool.ts'
