/** Error codes of DKIM signing and key handling, stable for callers and tests. */
export const DKIM_ERRORS = {
  /** a private key could not be read (not PEM, wrong format, encrypted) */
  KEY_INVALID: 'DKIM_KEY_INVALID',
  /** a key of a type or size DKIM does not sign with (RFC 8301: RSA ≥ 1024 bits; RFC 8463: Ed25519) */
  KEY_UNSUPPORTED: 'DKIM_KEY_UNSUPPORTED',
  /** a signer whose domain, selector or algorithm cannot make a valid DKIM-Signature */
  SIGNER_INVALID: 'DKIM_SIGNER_INVALID',
  /** a message that cannot be signed as it is (no header, no From) */
  MESSAGE_INVALID: 'DKIM_MESSAGE_INVALID',
  /** an argument outside its range (a negative body length, a bad key size) */
  ARGUMENT_INVALID: 'DKIM_ARGUMENT_INVALID',
} as const
