/**
 * injection/: getting mail into todoku. Address checks (pure), composing a structured message
 * or completing a raw one (pure), and the injector that checks, composes and queues in one
 * durable transaction. The HTTP API and SMTP submission are thin edges over `createInjector`.
 */
export {
  parseAddress, splitAddressList, toEnvelopeAddress,
  MAX_LOCAL_PART_LENGTH, MAX_ENVELOPE_ADDRESS_LENGTH, MAX_DOMAIN_LENGTH, MAX_DISPLAY_NAME_LENGTH,
  type Address, type ParsedAddress,
} from './address.ts'
export { checkStructuredMessage, composeMessage, type CheckedMessage, type ComposeContext } from './compose-message.ts'
export { prepareRawMessage, toCrlf, formatRfc5322Date, type PreparedRaw } from './raw-message.ts'
export { createInjector, PREFLIGHT_METADATA_KEY, type Injector, type InjectorDeps } from './create-injector.ts'
export {
  DEFAULT_INJECT_LIMITS, MESSAGE_CHARSETS,
  type InjectRequest, type InjectResult, type InjectEnvelope, type InjectLimits, type InjectErrorCode, type FieldError,
  type StructuredMessage, type MailboxInput, type MailboxListInput, type AttachmentInput, type MessageCharset,
} from './inject-request.ts'
