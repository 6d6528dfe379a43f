// DKIM: canonicalize and sign (pure over keys), key generation and loading at the edge.
export { canonicalizeBody, canonicalizeHeaderField, computeBodyHash, Canonicalization, type BodyHash } from './canonicalize.ts'
export {
  signMessage,
  signMessageAsync,
  dkimSignatureFields,
  checkSigner,
  DkimAlgorithm,
  DEFAULT_HEADERS_TO_SIGN,
  OVERSIGNED_HEADERS,
  MIN_RSA_BITS,
  type DkimSigner,
  type SignOptions,
} from './sign.ts'
export {
  generateDkimKeys,
  loadDkimSigner,
  dkimDnsRecord,
  dkimDnsName,
  dkimSelector,
  dkimTxtStrings,
  DEFAULT_RSA_BITS,
  type DkimKeys,
  type DkimKeyMaterial,
  type GenerateDkimKeysOptions,
} from './keys.ts'
export { splitMessage, type HeaderField, type MessageParts } from './message-header.ts'
export { DKIM_ERRORS } from './errors.ts'
